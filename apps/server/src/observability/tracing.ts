import { context, propagation, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { NodeSDK } from "@opentelemetry/sdk-node";
import type { MiddlewareHandler } from "hono";
import { routePath } from "hono/route";

/**
 * OpenTelemetry for the server, on only when an OTLP endpoint is configured with the standard
 * variables (OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT; OTEL_SERVICE_NAME,
 * OTEL_RESOURCE_ATTRIBUTES, OTEL_TRACES_SAMPLER… are read by the SDK itself). Traces go over
 * OTLP/HTTP (JSON). Returns null when tracing is off, so nothing is loaded into the hot path.
 */
export function tracingEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.OTEL_SDK_DISABLED === "true") return false;
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}

export interface Tracing {
  /** Flushes the spans not yet exported and stops the SDK. */
  shutdown(): Promise<void>;
}

let started: Tracing | null = null;

/** Starts the Node SDK once per process (the worker thread starts its own); null when off. */
export function startTracing(env: NodeJS.ProcessEnv = process.env): Tracing | null {
  if (!tracingEnabled(env)) return null;
  if (started !== null) return started;
  const sdk = new NodeSDK({
    serviceName: env.OTEL_SERVICE_NAME ?? "ledgerflow",
    traceExporter: new OTLPTraceExporter(),
    // The engine's spans and the HTTP spans below are ours; no auto-instrumentation is loaded.
    instrumentations: [],
  });
  sdk.start();
  const tracing: Tracing = {
    async shutdown() {
      started = null;
      await sdk.shutdown();
    },
  };
  started = tracing;
  return tracing;
}

const tracer = trace.getTracer("@ledgerflow/server");

/**
 * A SERVER span per request, named by the matched route ("POST /api/transactions/upload"), carrying
 * the caller's traceparent when it sent one, and active while the handler runs — so an enqueue made by
 * the request becomes its child and the job's attempt joins the same trace.
 */
export function httpTracing(): MiddlewareHandler {
  return async (c, next) => {
    const carrier: Record<string, string> = {};
    const traceparent = c.req.header("traceparent");
    if (traceparent) carrier.traceparent = traceparent;
    const tracestate = c.req.header("tracestate");
    if (tracestate) carrier.tracestate = tracestate;
    const parent = propagation.extract(context.active(), carrier);
    const span = tracer.startSpan(
      `${c.req.method} ${c.req.path}`,
      { kind: SpanKind.SERVER, attributes: { "http.request.method": c.req.method, "url.path": c.req.path } },
      parent,
    );
    try {
      await context.with(trace.setSpan(parent, span), next);
    } finally {
      const pattern = routePath(c, -1);
      if (pattern !== "*" && pattern !== "/*") {
        span.updateName(`${c.req.method} ${pattern}`);
        span.setAttribute("http.route", pattern);
      }
      span.setAttribute("http.response.status_code", c.res.status);
      if (c.res.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    }
  };
}
