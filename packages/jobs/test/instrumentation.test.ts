import { context, SpanKind, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createMemoryStore } from "../src/memory/index.js";
import { createJobMetrics } from "../src/metrics/index.js";
import { createTracing, formatTraceContext, parseTraceContext } from "../src/otel/index.js";
import { createQueue } from "../src/queue.js";
import { defineTask } from "../src/task.js";
import { waitForJob } from "../src/testing/wait-for-job.js";
import { createWorker } from "../src/worker/pool.js";

const silent = { info() {}, warn() {}, error() {} };

function tracing() {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  return { exporter, tracer: provider.getTracer("test") };
}

describe("tracing (@ledgerflow/jobs/otel)", () => {
  // What an SDK registers: context that follows async calls (the handler's awaits).
  beforeAll(() => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  });

  it("an attempt's span is a child of, and linked to, the enqueue span, and the handler's own spans nest under it", async () => {
    const { exporter, tracer } = tracing();
    const task = defineTask({
      name: "traced",
      input: z.object({ n: z.number() }),
      retries: 0,
      handler: async () => {
        // The app's own span (a DB query, an LLM call) started inside the handler.
        tracer.startActiveSpan("db.query", (span) => span.end());
        return null;
      },
    });
    const queue = createQueue({
      store: createMemoryStore(),
      tasks: [task],
      instrumentation: createTracing({ tracer }),
    });
    const request = tracer.startSpan("POST /api/jobs");
    const { job } = await context.with(trace.setSpan(context.active(), request), () =>
      queue.enqueue(task, { n: 1 }, { tenantId: "t1" }),
    );
    request.end();
    expect(job.traceContext).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    const worker = createWorker(queue, { logger: silent, schedules: false });
    worker.start();
    await waitForJob(queue, { tenantId: "t1", jobId: job.id, status: "complete" });
    await worker.stop();
    const spans = exporter.getFinishedSpans();
    const byName = (name: string) => spans.find((s) => s.name === name);
    const http = byName("POST /api/jobs");
    const enqueue = byName("enqueue traced");
    const run = byName("run traced");
    const db = byName("db.query");
    expect(http && enqueue && run && db).toBeTruthy();
    const traceId = http?.spanContext().traceId;
    for (const span of [enqueue, run, db]) expect(span?.spanContext().traceId).toBe(traceId);
    expect(enqueue?.parentSpanContext?.spanId).toBe(http?.spanContext().spanId);
    expect(enqueue?.kind).toBe(SpanKind.PRODUCER);
    expect(run?.parentSpanContext?.spanId).toBe(enqueue?.spanContext().spanId);
    expect(run?.links.map((l) => l.context.spanId)).toEqual([enqueue?.spanContext().spanId]);
    expect(run?.kind).toBe(SpanKind.CONSUMER);
    expect(run?.attributes).toMatchObject({
      "ledgerflow.job.id": job.id,
      "ledgerflow.task": "traced",
      "ledgerflow.tenant_id": "t1",
      "ledgerflow.attempt": 1,
      "ledgerflow.outcome": "completed",
    });
    expect(db?.parentSpanContext?.spanId).toBe(run?.spanContext().spanId);
  });

  it("a failing attempt's span carries the error and its outcome", async () => {
    const { exporter, tracer } = tracing();
    const task = defineTask({
      name: "fails",
      input: z.object({}),
      retries: 0,
      handler: () => {
        throw new Error("bank file is empty");
      },
    });
    const queue = createQueue({
      store: createMemoryStore(),
      tasks: [task],
      instrumentation: createTracing({ tracer }),
    });
    const { job } = await queue.enqueue(task, {}, { tenantId: "t1" });
    const worker = createWorker(queue, { logger: silent, schedules: false });
    worker.start();
    await waitForJob(queue, { tenantId: "t1", jobId: job.id, status: "failed" });
    await worker.stop();
    const run = exporter.getFinishedSpans().find((s) => s.name === "run fails");
    expect(run?.status).toMatchObject({ code: 2, message: "bank file is empty" });
    expect(run?.attributes["ledgerflow.outcome"]).toBe("failed");
    expect(run?.events.map((e) => e.name)).toContain("exception");
  });

  it("formats and parses W3C trace contexts, refusing malformed ones", () => {
    const ctx = { traceId: "4bf92f3577b34da6a3ce929d0e0e4736", spanId: "00f067aa0ba902b7", traceFlags: 1 };
    expect(formatTraceContext(ctx)).toBe("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    expect(parseTraceContext("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01;k=v")).toMatchObject({
      ...ctx,
      isRemote: true,
    });
    expect(parseTraceContext("garbage")).toBeUndefined();
    expect(parseTraceContext(`00-${"0".repeat(32)}-00f067aa0ba902b7-01`)).toBeUndefined();
    expect(parseTraceContext(null)).toBeUndefined();
  });
});

describe("metrics (@ledgerflow/jobs/metrics)", () => {
  it("counts this process's enqueues and attempts by task and reads depth, due, running and oldest age from the store", async () => {
    const store = createMemoryStore();
    const ok = defineTask({
      name: "ok_task",
      input: z.object({ n: z.number() }),
      retries: 0,
      handler: () => null,
    });
    const bad = defineTask({
      name: "bad_task",
      input: z.object({ n: z.number() }),
      retries: 0,
      handler: () => {
        throw new Error("no");
      },
    });
    // Counters come from the instrumentation; the gauges from a registry that reads the store.
    const metrics = createJobMetrics();
    const queue = createQueue({ store, tasks: [ok, bad], instrumentation: metrics.instrumentation });
    const metricsWithQueue = createJobMetrics({ queue, prefix: "scrape_" });
    await queue.enqueueMany(ok, [{ n: 1 }, { n: 2 }, { n: 3 }], { tenantId: "t1" });
    const { job: failing } = await queue.enqueue(bad, { n: 1 }, { tenantId: "t2" });
    await queue.enqueue(ok, { n: 9 }, { tenantId: "t1", delayMs: 60_000 });
    let text = await metricsWithQueue.registry.metrics();
    expect(text).toContain('scrape_queue_depth{task="ok_task"} 4');
    expect(text).toContain('scrape_queue_due{task="ok_task"} 3');
    expect(text).toMatch(/scrape_queue_oldest_due_age_seconds\{task="ok_task"\} \d/);
    const worker = createWorker(queue, { logger: silent, schedules: false });
    worker.start();
    await waitForJob(queue, { tenantId: "t2", jobId: failing.id, status: "failed" });
    for (const page of (await queue.list({ tenantId: "t1", status: "pending" })).jobs)
      expect(page.runAt).toBeGreaterThan(Date.now());
    await worker.stop();
    text = await metrics.registry.metrics();
    expect(text).toContain('ledgerflow_jobs_enqueued_total{task="ok_task"} 4');
    expect(text).toContain('ledgerflow_jobs_enqueued_total{task="bad_task"} 1');
    expect(text).toContain('ledgerflow_jobs_started_total{task="ok_task"} 3');
    expect(text).toContain('ledgerflow_jobs_completed_total{task="ok_task"} 3');
    expect(text).toContain('ledgerflow_jobs_failed_total{task="bad_task"} 1');
    expect(text).toContain('ledgerflow_attempt_duration_seconds_count{task="ok_task",outcome="completed"} 3');
    expect(text).toContain('ledgerflow_job_start_delay_seconds_count{task="ok_task"} 3');
    text = await metricsWithQueue.registry.metrics();
    expect(text).toContain('scrape_queue_depth{task="ok_task"} 1');
    expect(text).toContain('scrape_queue_due{task="ok_task"} 0');
  });
});
