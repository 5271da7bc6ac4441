import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { createQueue, createWorker, defineTask, waitForJob } from "@ledgerflow/jobs";
import { createMemoryStore } from "@ledgerflow/jobs/memory";
import { createTracing } from "@ledgerflow/jobs/otel";
import { trace } from "@opentelemetry/api";
import { Hono } from "hono";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { httpTracing, startTracing } from "../src/observability/tracing.js";

/** A real OTLP/HTTP receiver on loopback: collects every span the SDK exports (JSON encoding). */
async function otlpReceiver() {
  const spans: Array<{
    name: string;
    kind: number;
    traceId: string;
    spanId: string;
    parentSpanId?: string;
    links?: Array<{ spanId: string }>;
    attributes: Array<{ key: string; value: Record<string, unknown> }>;
  }> = [];
  const paths: string[] = [];
  const read = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let body = "";
      req.on("data", (chunk: Buffer) => {
        body += chunk.toString("utf8");
      });
      req.on("end", () => resolve(body));
    });
  const server = createServer(async (req, res) => {
    paths.push(`${req.method} ${req.url} ${req.headers["content-type"]}`);
    const body = JSON.parse(await read(req)) as {
      resourceSpans: Array<{ scopeSpans: Array<{ spans: typeof spans }> }>;
    };
    for (const rs of body.resourceSpans) for (const ss of rs.scopeSpans) spans.push(...ss.spans);
    res.writeHead(200, { "content-type": "application/json" }).end("{}");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, spans, paths, close: () => new Promise((r) => server.close(r)) };
}

const receiver = await otlpReceiver();
afterAll(() => receiver.close());

describe("OpenTelemetry: HTTP request → enqueue → attempt → the app's own spans, exported over OTLP", () => {
  it("exports one trace with that shape to the endpoint in OTEL_EXPORTER_OTLP_ENDPOINT", async () => {
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = receiver.url;
    process.env.OTEL_SERVICE_NAME = "ledgerflow-test";
    const tracing = startTracing();
    expect(tracing).not.toBeNull();
    const llm = trace.getTracer("app");
    const task = defineTask({
      name: "categorize_transactions",
      input: z.object({ company_id: z.number() }),
      retries: 0,
      handler: async () => {
        await llm.startActiveSpan("llm.chat", async (span) => {
          await new Promise((resolve) => setTimeout(resolve, 5));
          span.end();
        });
        return { categorized: 3 };
      },
    });
    const queue = createQueue({
      store: createMemoryStore(),
      tasks: [task],
      instrumentation: createTracing(),
    });
    const app = new Hono();
    app.use("*", httpTracing());
    app.post("/api/companies/:id/categorize", async (c) => {
      const { job } = await queue.enqueue(
        task,
        { company_id: Number(c.req.param("id")) },
        { tenantId: "t1" },
      );
      return c.json({ job_id: job.id }, 202);
    });
    const response = await app.request("/api/companies/7/categorize", { method: "POST" });
    const { job_id } = (await response.json()) as { job_id: string };
    const worker = createWorker(queue, { schedules: false, logger: { info() {}, warn() {}, error() {} } });
    worker.start();
    await waitForJob(queue, { tenantId: "t1", jobId: job_id, status: "complete" });
    await worker.stop();
    await tracing?.shutdown();

    expect(receiver.paths.every((p) => p.startsWith("POST /v1/traces application/json"))).toBe(true);
    const byName = (name: string) => {
      const span = receiver.spans.find((s) => s.name === name);
      if (span === undefined)
        throw new Error(`no span ${name}; got ${receiver.spans.map((s) => s.name).join(", ")}`);
      return span;
    };
    const http = byName("POST /api/companies/:id/categorize");
    const enqueue = byName("enqueue categorize_transactions");
    const run = byName("run categorize_transactions");
    const chat = byName("llm.chat");
    // One trace, nested: request → enqueue → attempt → the handler's span; the attempt links the enqueue.
    for (const span of [enqueue, run, chat]) expect(span.traceId).toBe(http.traceId);
    expect(enqueue.parentSpanId).toBe(http.spanId);
    expect(run.parentSpanId).toBe(enqueue.spanId);
    expect(run.links?.map((l) => l.spanId)).toEqual([enqueue.spanId]);
    expect(chat.parentSpanId).toBe(run.spanId);
    // OTLP span kinds: 2 server, 4 producer, 5 consumer.
    expect([http.kind, enqueue.kind, run.kind]).toEqual([2, 4, 5]);
    const attribute = (span: typeof run, key: string) => span.attributes.find((a) => a.key === key)?.value;
    expect(attribute(run, "ledgerflow.job.id")).toEqual({ stringValue: job_id });
    expect(attribute(run, "ledgerflow.tenant_id")).toEqual({ stringValue: "t1" });
    expect(attribute(run, "ledgerflow.outcome")).toEqual({ stringValue: "completed" });
    expect(attribute(run, "ledgerflow.attempt")).toEqual({ intValue: 1 });
  });
});
