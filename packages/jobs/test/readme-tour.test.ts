import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, expect, it } from "vitest";
import { z } from "zod";
import { createQueue, createWorker, defineTask, waitForJob } from "../src/index.js";
import { createSqliteStore } from "../src/sqlite/index.js";

// The README's 60-second tour, as written there: if this breaks, the README is wrong.
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

it("the README tour runs: a typed task with progress, on SQLite, to its result", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "lf-readme-"));
  dirs.push(dir);
  const done: string[] = [];
  const doTheWork = async (url: string) => {
    done.push(url);
  };
  const resize = defineTask({
    name: "resize_images",
    input: z.object({ urls: z.array(z.string().url()) }),
    retries: 3,
    timeoutMs: 60_000,
    async handler({ input, progress, signal }) {
      for (const [i, url] of input.urls.entries()) {
        signal.throwIfAborted();
        await doTheWork(url);
        progress(((i + 1) / input.urls.length) * 100, `Resized ${i + 1}/${input.urls.length}`);
      }
      return { resized: input.urls.length };
    },
  });
  const queue = createQueue({
    store: createSqliteStore({ path: path.join(dir, "jobs.db") }),
    tasks: [resize],
  });
  await queue.init();
  const worker = createWorker(queue, { concurrency: 10 });
  worker.start();
  try {
    const urls = ["https://example.test/a.png", "https://example.test/b.png"];
    const { job } = await queue.enqueue(resize, { urls }, { tenantId: "t1", idempotencyKey: "req-42" });
    const again = await queue.enqueue(resize, { urls }, { tenantId: "t1", idempotencyKey: "req-42" });
    expect(again).toMatchObject({ created: false, job: { id: job.id } });
    const finished = await waitForJob(queue, {
      tenantId: "t1",
      jobId: job.id,
      status: "complete",
      timeoutMs: 10_000,
    });
    expect(finished).toMatchObject({ progress: 100, result: { resized: 2 }, message: "Resized 2/2" });
    expect(done).toEqual(urls);
  } finally {
    await worker.stop();
    await queue.close();
  }
});
