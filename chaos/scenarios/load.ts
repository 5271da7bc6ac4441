import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { nextDelay } from "@ledgerflow/jobs/client";
import { percentile, sleep, stopChild } from "../lib/processes.js";
import { freePort, type Served, serve, uploadCsv } from "../lib/server.js";

export interface LoadReport {
  clients: number;
  seconds: number;
  enqueued: number;
  enqueuesPerSecond: number;
  statusReads: number;
  errors: number;
  statusP50Ms: number;
  statusP99Ms: number;
  enqueueP50Ms: number;
  enqueueP99Ms: number;
  jobsFinished: number;
  firstError: string;
}

const statement = (n: number) =>
  `Date,Description,Amount\n2025-01-${String((n % 28) + 1).padStart(2, "0")},COFFEE ${n},-3.${String(n % 100).padStart(2, "0")}\n2025-01-02,RENT ${n},-1000\n`;

/**
 * `clients` pollers, each following a job on the seed's schedule (nextDelay: 1 s, then 1.5 s …
 * capped at 5 s) and taking the newest job when theirs ends, plus a steady stream of uploads, for
 * `seconds` against one `ledgerflow serve` on SQLite. Every non-2xx or network error counts.
 */
export async function runLoad(o: {
  clients: number;
  enqueuesPerSecond: number;
  seconds: number;
}): Promise<LoadReport> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "ledgerflow-chaos-load-"));
  const s: Served = await serve(dataDir, await freePort());
  const auth = { Authorization: `Bearer ${s.token}` };
  const statusMs: number[] = [];
  const enqueueMs: number[] = [];
  const jobs: string[] = [];
  const finished = new Set<string>();
  let errors = 0;
  let firstError = "";
  const fail = (what: string) => {
    errors++;
    firstError ||= what;
  };
  const end = Date.now() + o.seconds * 1000;
  try {
    const first = await uploadCsv(s, statement(0));
    if (first.body?.job_id) jobs.push(first.body.job_id);
    const producer = (async () => {
      const interval = 1000 / o.enqueuesPerSecond;
      const pending: Promise<void>[] = [];
      for (let n = 1; Date.now() < end && n < o.enqueuesPerSecond * o.seconds * 2; n++) {
        const due = end - o.seconds * 1000 + n * interval;
        if (due > Date.now()) await sleep(due - Date.now());
        const t = performance.now();
        pending.push(
          uploadCsv(s, statement(n))
            .then(({ status, body }) => {
              enqueueMs.push(performance.now() - t);
              if (status !== 202 || !body?.job_id) fail(`enqueue → ${status}`);
              else jobs.push(body.job_id);
            })
            .catch((e) => fail(`enqueue: ${(e as Error).message}`)),
        );
      }
      await Promise.all(pending);
    })();
    const client = async (c: number) => {
      await sleep((c * 1000) / o.clients); // spread the first polls over a second
      while (Date.now() < end) {
        const id = jobs[jobs.length - 1 - (c % Math.min(jobs.length, 50))] ?? jobs[0];
        if (!id) return;
        for (let polls = 0; Date.now() < end && polls < 1000; polls++) {
          const t = performance.now();
          try {
            const res = await fetch(`${s.url}/api/jobs/${id}`, { headers: auth });
            const body = (await res.json()) as { status?: string };
            statusMs.push(performance.now() - t);
            if (res.status !== 200) fail(`status → ${res.status}`);
            if (body.status === "complete" || body.status === "failed") {
              finished.add(id);
              // Like a user who starts the next job a moment later: no tight loop on finished jobs.
              await sleep(Math.min(nextDelay(0), Math.max(0, end - Date.now())));
              break;
            }
          } catch (e) {
            fail(`status: ${(e as Error).message}`);
          }
          await sleep(Math.min(nextDelay(polls), Math.max(0, end - Date.now())));
        }
      }
    };
    await Promise.all([producer, ...Array.from({ length: o.clients }, (_, c) => client(c))]);
    return {
      clients: o.clients,
      seconds: o.seconds,
      enqueued: jobs.length,
      enqueuesPerSecond: Math.round((jobs.length / o.seconds) * 10) / 10,
      statusReads: statusMs.length,
      errors,
      statusP50Ms: round(percentile(statusMs, 50)),
      statusP99Ms: round(percentile(statusMs, 99)),
      enqueueP50Ms: round(percentile(enqueueMs, 50)),
      enqueueP99Ms: round(percentile(enqueueMs, 99)),
      jobsFinished: finished.size,
      firstError,
    };
  } finally {
    await stopChild(s.proc, "SIGTERM", 15_000);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const round = (ms: number) => Math.round(ms * 10) / 10;
