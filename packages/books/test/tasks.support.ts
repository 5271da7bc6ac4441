/** Runs the book tasks through the real engine (memory job store), or their handlers directly. */
import { readFileSync } from "node:fs";
import {
  createQueue,
  createWorker,
  type JobRecord,
  type TaskContext,
  type TaskDefinition,
  waitForJob,
} from "@ledgerflow/jobs";
import { createMemoryStore } from "@ledgerflow/jobs/memory";
import { inlineFlowContext } from "@ledgerflow/jobs/testing";
import type { LlmCategorizer } from "../src/categorize/llm/categorizer.js";
import type { BooksDb } from "../src/db/open.js";
import { createBookTasks } from "../src/tasks/index.js";

export const SAMPLE_CSV = readFileSync(new URL("../src/demo/sample.csv", import.meta.url));

export async function runThroughEngine(
  db: BooksDb,
  options: {
    tenantId: string;
    task: "categorize_transactions" | "upload_and_categorize";
    input: unknown;
    llm?: LlmCategorizer;
  },
): Promise<{ job: JobRecord; messages: string[] }> {
  const tasks = createBookTasks({ db, llm: options.llm ?? null, chunkSize: 10 });
  const queue = createQueue({ store: createMemoryStore(), tasks: tasks.all });
  await queue.init();
  const messages: string[] = [];
  const off = queue.onEvent((e) => {
    if (e.message && messages[messages.length - 1] !== e.message) messages.push(e.message);
  });
  const worker = createWorker(queue, { concurrency: 2, pollIntervalMs: 20 });
  worker.start();
  try {
    const { job } = await queue.enqueue(options.task, options.input, { tenantId: options.tenantId });
    const done = await waitForJob(queue, {
      tenantId: options.tenantId,
      jobId: job.id,
      status: ["complete", "failed"],
      timeoutMs: 20_000,
    });
    return { job: done, messages };
  } finally {
    off();
    await worker.stop();
    await queue.close();
  }
}

export interface HandlerRun<R> {
  result: R;
  progress: [number, string | undefined][];
}

/** Calls a task's handler as one attempt would, recording every progress report. */
export async function runHandler<I, R extends import("@ledgerflow/jobs").Json>(
  task: TaskDefinition<I, R>,
  input: unknown,
  options: { tenantId: string; signal?: AbortSignal; onProgress?: (pct: number, msg?: string) => void },
): Promise<HandlerRun<R>> {
  const validated = await task.input["~standard"].validate(input);
  if (validated.issues)
    throw new Error(`invalid input: ${validated.issues.map((i) => i.message).join("; ")}`);
  const progress: [number, string | undefined][] = [];
  const ctx: TaskContext<I> = {
    input: validated.value,
    ...inlineFlowContext(),
    progress: (pct, msg) => {
      progress.push([pct, msg]);
      options.onProgress?.(pct, msg);
    },
    signal: options.signal ?? new AbortController().signal,
    attempt: 1,
    jobId: "job_test",
    tenantId: options.tenantId,
    log: { info: () => {}, warn: () => {}, error: () => {} },
  };
  return { result: await task.handler(ctx), progress };
}
