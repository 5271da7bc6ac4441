import {
  context,
  type Link,
  type Span,
  type SpanContext,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  type Tracer,
  trace,
} from "@opentelemetry/api";
import type { AttemptOutcome, Instrumentation } from "../instrumentation.js";
import type { JobRecord } from "../types.js";

export interface TracingOptions {
  /** Default: `trace.getTracer("@ledgerflow/jobs")` from the global provider the app registered. */
  tracer?: Tracer;
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** The W3C `traceparent` of a span context (version 00), with its tracestate after a ";" if any. */
export function formatTraceContext(span: SpanContext): string {
  const flags = (span.traceFlags & 0xff).toString(16).padStart(2, "0");
  const parent = `00-${span.traceId}-${span.spanId}-${flags}`;
  const state = span.traceState?.serialize();
  return state ? `${parent};${state}` : parent;
}

/** The span context a job carries, or undefined when it carries none (or one that does not parse). */
export function parseTraceContext(value: string | null | undefined): SpanContext | undefined {
  if (!value) return undefined;
  const [parent] = value.split(";");
  const match = TRACEPARENT.exec(parent ?? "");
  if (match === null) return undefined;
  const [, traceId, spanId, flags] = match as unknown as [string, string, string, string];
  if (/^0+$/.test(traceId) || /^0+$/.test(spanId)) return undefined;
  return { traceId, spanId, traceFlags: Number.parseInt(flags, 16) & TraceFlags.SAMPLED, isRemote: true };
}

const FAILED: readonly AttemptOutcome[] = ["failed", "retrying"];

/**
 * OpenTelemetry spans for the engine (`@opentelemetry/api` is an optional peer: install it, register
 * an SDK, and pass this to `createQueue({ instrumentation })`):
 * - `enqueue <task>` (PRODUCER) around each enqueue call, a child of whatever span is active (the
 *   HTTP request); its context is stored in the job (`traceContext`);
 * - `run <task>` (CONSUMER) per attempt, a child of — and linked to — the enqueue's context, active
 *   while the handler runs, so the app's own spans (DB, LLM calls) nest under it. Attributes: job id,
 *   task, tenant, attempt, and the outcome at the end.
 */
export function createTracing(options: TracingOptions = {}): Instrumentation {
  const tracer = options.tracer ?? trace.getTracer("@ledgerflow/jobs");
  return {
    enqueue({ task, tenantId, count }) {
      const span = tracer.startSpan(`enqueue ${task}`, {
        kind: SpanKind.PRODUCER,
        attributes: {
          "messaging.system": "ledgerflow",
          "messaging.operation.type": "send",
          "messaging.destination.name": task,
          "ledgerflow.task": task,
          "ledgerflow.tenant_id": tenantId,
          "messaging.batch.message_count": count,
        },
      });
      const spanContext = span.spanContext();
      return {
        traceContext: trace.isSpanContextValid(spanContext) ? formatTraceContext(spanContext) : null,
        end(results, error) {
          if (results !== null && results.length === 1 && results[0] !== undefined) {
            span.setAttribute("ledgerflow.job.id", results[0].job.id);
            span.setAttribute("ledgerflow.created", results[0].created);
          }
          endSpan(span, error);
        },
      };
    },
    attempt(job: JobRecord) {
      const origin = parseTraceContext(job.traceContext);
      const parent = origin ? trace.setSpanContext(context.active(), origin) : context.active();
      const links: Link[] = origin ? [{ context: origin, attributes: { "ledgerflow.link": "enqueue" } }] : [];
      const span = tracer.startSpan(
        `run ${job.type}`,
        {
          kind: SpanKind.CONSUMER,
          links,
          attributes: {
            "messaging.system": "ledgerflow",
            "messaging.operation.type": "process",
            "messaging.destination.name": job.type,
            "messaging.message.id": job.id,
            "ledgerflow.job.id": job.id,
            "ledgerflow.task": job.type,
            "ledgerflow.tenant_id": job.tenantId,
            "ledgerflow.attempt": job.attempts,
          },
        },
        parent,
      );
      const active = trace.setSpan(parent, span);
      return {
        run: (fn) => context.with(active, fn),
        end(outcome, error) {
          span.setAttribute("ledgerflow.outcome", outcome);
          endSpan(span, FAILED.includes(outcome) ? (error ?? new Error(outcome)) : undefined);
        },
      };
    },
  };
}

function endSpan(span: Span, error: unknown): void {
  if (error !== undefined) {
    if (error instanceof Error) span.recordException(error);
    span.setStatus({
      code: SpanStatusCode.ERROR,
      message: error instanceof Error ? error.message : String(error),
    });
  }
  span.end();
}
