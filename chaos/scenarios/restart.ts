import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sleep, stopChild } from "../lib/processes.js";
import { freePort, type Served, serve, uploadCsv } from "../lib/server.js";

export interface RestartReport {
  uploads: number;
  /** Jobs running or pending when the server was stopped. */
  unfinishedAtStop: number;
  finished: number;
  /** Jobs whose `inserted` differs from the rows in their file (a row written twice or lost). */
  duplicatedTransactions: number;
  stopExit: string;
  secondsToFinishAfterRestart: number;
}

const ROWS = 1500;

/** A statement of ROWS unique rows; `n` makes each upload's rows its own. */
function bigStatement(n: number): string {
  const lines = ["Date,Description,Amount"];
  for (let i = 0; i < ROWS; i++) {
    const day = String((i % 28) + 1).padStart(2, "0");
    lines.push(
      `2025-0${(n % 9) + 1}-${day},SHOP ${n}-${i},-${(i + 1).toFixed(0)}.${String(n).padStart(2, "0")}`,
    );
  }
  return `${lines.join("\n")}\n`;
}

async function jobOf(s: Served, id: string) {
  const res = await fetch(`${s.url}/api/jobs/${id}`, { headers: { Authorization: `Bearer ${s.token}` } });
  return (await res.json()) as { status: string; result?: { inserted?: number; parsed?: number } };
}

/**
 * 20 uploads, then the whole server stopped (SIGTERM, 1 s grace, so jobs are cut mid-way) and
 * started again on the same data: every upload must finish, each row written once.
 */
export async function runRestart(o: { uploads: number; timeLimitMs: number }): Promise<RestartReport> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "ledgerflow-chaos-restart-"));
  const port = await freePort();
  const env = { SHUTDOWN_GRACE_MS: "1000", WORKER_CONCURRENCY: "2" };
  let s: Served | undefined = await serve(dataDir, port, env);
  try {
    const ids: string[] = [];
    for (let n = 0; n < o.uploads; n++) {
      const { status, body } = await uploadCsv(s, bigStatement(n), `big-${n}.csv`);
      if (status !== 202 || !body?.job_id) throw new Error(`upload ${n} answered ${status}`);
      ids.push(body.job_id);
    }
    await sleep(500);
    let unfinishedAtStop = 0;
    for (const id of ids)
      if (!["complete", "failed"].includes((await jobOf(s, id)).status)) unfinishedAtStop++;
    const stopExit = String(await stopChild(s.proc, "SIGTERM", 30_000));
    s = await serve(dataDir, port, env);
    const restarted = Date.now();
    const deadline = restarted + o.timeLimitMs;
    const done = new Map<string, Awaited<ReturnType<typeof jobOf>>>();
    while (done.size < ids.length && Date.now() < deadline) {
      for (const id of ids) {
        if (done.has(id)) continue;
        const job = await jobOf(s, id);
        if (job.status === "complete" || job.status === "failed") done.set(id, job);
      }
      await sleep(500);
    }
    const finished = [...done.values()].filter((j) => j.status === "complete").length;
    const duplicatedTransactions = [...done.values()].filter((j) => j.result?.inserted !== ROWS).length;
    return {
      uploads: ids.length,
      unfinishedAtStop,
      finished,
      duplicatedTransactions,
      stopExit,
      secondsToFinishAfterRestart: Math.round((Date.now() - restarted) / 1000),
    };
  } finally {
    if (s) await stopChild(s.proc, "SIGTERM", 15_000);
    rmSync(dataDir, { recursive: true, force: true });
  }
}
