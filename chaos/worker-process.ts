// One worker process for the crash scenario: what `ledgerflow worker` runs, on the chaos run's own
// isolated target (a schema-less fresh database, a Redis key prefix) and with a short lease so a
// killed worker's jobs come back in seconds rather than the default 30 s. The driver SIGKILLs it.
import { createBookTasks, openBooksDb } from "@ledgerflow/books";
import { type AnyTask, createQueue, createWorker, startSweeper, type TaskLogger } from "@ledgerflow/jobs";
import { openTargetStore, type Target } from "./lib/stores.js";

const target = JSON.parse(process.env.CHAOS_TARGET ?? "null") as Target | null;
if (!target) throw new Error("CHAOS_TARGET is missing: this process is started by chaos/run.ts");
const leaseMs = Number(process.env.CHAOS_LEASE_MS ?? 5000);
const concurrency = Number(process.env.CHAOS_CONCURRENCY ?? 4);
// The bench of large uploads raises the per-company chunk limit with the number of processes.
const chunkConcurrency = Number(process.env.CHAOS_CHUNK_CONCURRENCY ?? 0);

const quiet: TaskLogger = {
  info() {},
  warn() {},
  error: (message, fields) => console.error(JSON.stringify({ message, ...fields })),
};

const db = openBooksDb({ url: target.booksUrl });
const store = await openTargetStore(target);
const limits = chunkConcurrency > 0 ? { uploadChunkConcurrency: chunkConcurrency } : {};
const queue = createQueue({ store, tasks: [...createBookTasks({ db, limits }).all] as unknown as AnyTask[] });
await queue.init();
const worker = createWorker(queue, {
  concurrency,
  leaseMs,
  pollIntervalMs: 100,
  shutdownGraceMs: 2000,
  workerId: `chaos_${process.pid}`,
  logger: quiet,
});
worker.start();
// As `ledgerflow worker` runs it: retention, and flows whose last end a killed process did not count.
const sweeper = startSweeper(queue, { logger: quiet });
console.log(JSON.stringify({ ready: worker.id }));

process.once("SIGTERM", async () => {
  await sweeper.stop();
  await worker.stop();
  await queue.close();
  await db.destroy();
  process.exit(0);
});
