/**
 * `npm run bench -- books [no-llm|llm]`: a 3,000-row CSV uploaded and categorized end to end on SQLite
 * — createImport, enqueue, a worker on the SQLite job store runs upload_and_categorize, the job
 * completes — once without an LLM and once against a fake OpenAI-compatible server answering each
 * call in 300 ms (`llm-unique`, opt-in: every row a new payee, the LLM's worst case). Goals (issue 3): < 1.5 s and < 5 s. Medians of BENCH_REPEAT runs (default 3).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { createQueue, createWorker, waitForJob } from "@ledgerflow/jobs";
import { createSqliteStore } from "@ledgerflow/jobs/sqlite";
import { createLlmCategorizer } from "../src/categorize/llm/categorizer.js";
import { listAccounts } from "../src/db/accounts.js";
import { createImport } from "../src/db/imports.js";
import { migrateToLatest } from "../src/db/migrate.js";
import { openBooksDb } from "../src/db/open.js";
import { seedDemo } from "../src/demo/seed.js";
import { createBookTasks } from "../src/tasks/index.js";
import { startFakeLlmServer } from "../test/support/fake-llm-server.js";
import { generateBankCsv, MERCHANT_COUNT } from "./generate.js";

const ROWS = 3000;
const LLM_LATENCY_MS = 300;

interface RunFigures {
  ms: number;
  /** CPU time of this process (user + system) during the run: what an idle machine would need. */
  cpuMs: number;
  result: Record<string, unknown>;
  llmCalls: number;
}

async function runOnce(withLlm: boolean, rows = ROWS, uniquePayees = false): Promise<RunFigures> {
  const dir = mkdtempSync(join(tmpdir(), "ledgerflow-books-bench-"));
  const db = openBooksDb({ url: join(dir, "books.db") });
  const server = withLlm ? await startFakeLlmServer() : null;
  try {
    await migrateToLatest(db);
    // The demo company: default chart and a few rules; its sample transactions are not in the file.
    const { tenantId, companyId } = await seedDemo(db);
    if (server) {
      const accounts = (await listAccounts(db, tenantId, companyId)).filter((a) => a.type === "expense");
      let n = 0;
      server.answer = () => ({ account_id: accounts[n++ % accounts.length]?.id ?? "", confidence: 0.9 });
      server.latencyMs = LLM_LATENCY_MS;
    }
    const llm = server
      ? createLlmCategorizer({ baseURL: server.baseURL, model: "fake", apiKey: "bench" })
      : null;
    const queue = createQueue({
      store: createSqliteStore({ path: join(dir, "jobs.db") }),
      tasks: createBookTasks({ db, llm }).all,
    });
    await queue.init();
    const worker = createWorker(queue, { concurrency: 2, pollIntervalMs: 50 });
    worker.start();
    try {
      const csv = generateBankCsv(rows, 42, { uniquePayees });
      const started = performance.now();
      const cpuStart = process.cpuUsage();
      const imp = await createImport(db, tenantId, { companyId, filename: "bench.csv", content: csv });
      const { job } = await queue.enqueue("upload_and_categorize", { import_id: imp.id }, { tenantId });
      const done = await waitForJob(queue, {
        tenantId,
        jobId: job.id,
        status: "complete",
        timeoutMs: 120_000,
      });
      const ms = performance.now() - started;
      const cpu = process.cpuUsage(cpuStart);
      return {
        ms,
        cpuMs: (cpu.user + cpu.system) / 1000,
        result: done.result as Record<string, unknown>,
        llmCalls: server?.requests.length ?? 0,
      };
    } finally {
      await worker.stop();
      await queue.close();
    }
  } finally {
    await server?.close();
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** The books part of `npm run bench`; filters pick scenarios by name ("no-llm", "llm"). */
export async function runBooksBench(filters: readonly string[] = []): Promise<void> {
  const repeat = Math.max(1, Number(process.env.BENCH_REPEAT ?? 3));
  const scenarios = [
    { name: "no-llm", withLlm: false, goalMs: 1500 },
    { name: "llm", withLlm: true, goalMs: 5000 },
    // Opt-in: every row a different payee, so nothing is reused and every row goes to the LLM.
    { name: "llm-unique", withLlm: true, goalMs: 5000, uniquePayees: true, optIn: true },
  ].filter((s) => (filters.length === 0 ? !s.optIn : filters.includes(s.name)));
  const cpu = cpus();
  console.log(
    `books benchmark: ${ROWS}-row CSV from ${MERCHANT_COUNT} merchants, upload_and_categorize on SQLite`,
  );
  console.log(
    `node ${process.version}, ${cpu.length} × ${cpu[0]?.model ?? "unknown CPU"}, ${repeat} run(s) each\n`,
  );
  // A server runs many imports; warm the JIT with a small one so the figures describe that steady
  // state rather than the first import after start (which a cold run adds ~0.5–1 s to, see docs).
  await runOnce(false, 300);
  console.log(
    "| scenario | median | best | CPU (median) | goal | LLM calls | inserted | categorized | je_created |",
  );
  console.log("|---|---|---|---|---|---|---|---|---|");
  for (const s of scenarios) {
    const runs: RunFigures[] = [];
    for (let i = 0; i < repeat; i++) runs.push(await runOnce(s.withLlm, ROWS, s.uniquePayees ?? false));
    const last = runs[runs.length - 1];
    const ms = runs.map((r) => r.ms);
    const med = median(ms);
    console.log(
      `| ${s.withLlm ? `fake LLM, ${LLM_LATENCY_MS} ms/call${s.uniquePayees ? ", every payee unique" : ""}` : "no LLM"} | ${med.toFixed(0)} ms | ${Math.min(...ms).toFixed(0)} ms | ${median(runs.map((r) => r.cpuMs)).toFixed(0)} ms | < ${s.goalMs} ms ${med < s.goalMs ? "✓" : "✗"} | ${last?.llmCalls ?? 0} | ${last?.result.inserted} | ${last?.result.categorized} | ${last?.result.je_created} |`,
    );
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await runBooksBench(process.argv.slice(2));
}
