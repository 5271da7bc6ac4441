// Runs in a worker thread (see checkpointer.ts): checkpoints one SQLite file's WAL on a timer, so the
// copy into the database file and its fsyncs never block the event loop of the process using it.
// Plain JavaScript on purpose: Node loads it in the thread without a TypeScript loader.
import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";

const db = new Database(workerData.path, { fileMustExist: true });
const timer = setInterval(() => {
  try {
    // PASSIVE never waits for readers or writers; what it cannot copy now, the next tick does.
    db.pragma("wal_checkpoint(PASSIVE)");
  } catch {
    // busy, or the file went away while stopping: the next tick (or the owner's fallback) retries
  }
}, workerData.intervalMs);

parentPort?.on("message", (message) => {
  if (message !== "stop") return;
  clearInterval(timer);
  db.close();
  parentPort?.close();
});
