import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createApiToken, createCompany, createTenant } from "@ledgerflow/books";
import { readServerSentEvents } from "@ledgerflow/jobs/client";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createApp } from "../src/app.js";
import { loadConfig } from "../src/config.js";
import { engineMetricsText } from "../src/observability/engine-metrics.js";
import { createEventHub } from "../src/runtime/event-hub.js";
import { openRuntime, type Runtime } from "../src/runtime/open.js";
import { startWorkerThread, type WorkerThread } from "../src/runtime/worker-thread.js";
import { csvForm } from "./support/server.js";

const CSV = readFileSync(new URL("./fixtures/small-bank.csv", import.meta.url), "utf8");
let dataDir: string;
let runtime: Runtime;
let thread: WorkerThread;
let app: ReturnType<typeof createApp>;
let token: string;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), "ledgerflow-thread-"));
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: "silent" });
  runtime = await openRuntime(config, pino({ level: "silent" }));
  await createTenant(runtime.db, { id: "ten_t", name: "T" });
  await createCompany(runtime.db, "ten_t", { id: "co_t", name: "T Ltd" });
  token = (await createApiToken(runtime.db, "ten_t")).token;
  const hub = createEventHub(runtime.queue);
  app = createApp({
    db: runtime.db,
    queue: runtime.queue,
    logger: pino({ level: "silent" }),
    authenticate: runtime.authenticate,
    subscribe: hub.subscribe,
    engineMetrics: () =>
      engineMetricsText(runtime.observability.metrics, runtime.queue, () => thread.metrics()),
  });
  hub.onEvent(app.metrics.observeJobEvent);
  thread = startWorkerThread(config, { forwardEvents: true, onEvent: hub.publish });
  await thread.ready;
});

afterAll(async () => {
  await thread?.stop();
  await runtime?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("the worker on its own thread (WORKER_MODE=thread)", () => {
  it("runs an upload; its events reach the API thread's SSE stream and metrics", async () => {
    const auth = { Authorization: `Bearer ${token}` };
    const accepted = await app.app.request("/api/jobs/upload-and-categorize", {
      method: "POST",
      headers: auth,
      body: csvForm("co_t", CSV),
    });
    const { job_id } = await accepted.json();
    const stream = await app.app.request(`/api/jobs/${job_id}/events`, { headers: auth });
    const statuses: string[] = [];
    let last: { status: string; result: Record<string, unknown> } | undefined;
    await readServerSentEvents(stream.body!, (message) => {
      last = JSON.parse(message.data);
      statuses.push(last?.status ?? "");
    });
    expect(statuses[0]).toMatch(/pending|running/);
    expect(last).toMatchObject({ status: "complete", result: { parsed: 8, inserted: 8 } });

    // The stream can see the finished job (read from the file) a moment before the thread's
    // "completed" message arrives, so wait for the metric rather than expect it at once.
    await vi.waitFor(async () => {
      const metrics = await (await app.app.request("/metrics")).text();
      expect(metrics).toContain(
        'ledgerflow_job_events_total{type="upload_and_categorize",kind="completed"} 1',
      );
      expect(metrics).toMatch(
        /ledgerflow_job_duration_seconds_count\{type="upload_and_categorize",outcome="completed"\} 1/,
      );
      // The engine's metrics: enqueued here, run (and counted) on the thread, merged into one text.
      expect(metrics).toContain('ledgerflow_jobs_enqueued_total{task="upload_and_categorize"} 1');
      expect(metrics).toContain('ledgerflow_jobs_completed_total{task="upload_and_categorize"} 1');
      expect(metrics).toMatch(
        /ledgerflow_attempt_duration_seconds_count\{task="upload_and_categorize",outcome="completed"\} 1/,
      );
      expect(metrics).toContain("# TYPE ledgerflow_queue_depth gauge");
    });
  });
});
