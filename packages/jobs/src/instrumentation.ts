import type { EnqueueResult, JobRecord } from "./types.js";

/** How one attempt ended, as the worker that ran it saw it. */
export type AttemptOutcome =
  /** The handler returned and the completion was written. */
  | "completed"
  /** It failed and will be retried (backoff, RetryAfterError, a timeout with attempts left). */
  | "retrying"
  /** It failed for good. */
  | "failed"
  /** Cancelled while running. */
  | "cancelled"
  /** The lease was lost (expired and reclaimed elsewhere): another attempt owns the job now. */
  | "lease_lost"
  /** Given back at shutdown: pending again, the attempt not counted. */
  | "released";

/** One enqueue call, seen from its start: what to carry in the jobs, and its end. */
export interface EnqueueProbe {
  /** A W3C trace context (traceparent, then an optional ";" and tracestate) for the new jobs, or null. */
  readonly traceContext: string | null;
  end(results: readonly EnqueueResult[] | null, error?: unknown): void;
}

/** One attempt, from claim to outcome. */
export interface AttemptProbe {
  /** Runs the handler (synchronously starting it) inside the attempt's context, e.g. its active span. */
  run<T>(fn: () => T): T;
  end(outcome: AttemptOutcome, error?: unknown): void;
}

/**
 * Hooks the queue and its workers call, for tracing (`@ledgerflow/jobs/otel`) and metrics
 * (`@ledgerflow/jobs/metrics`). All optional; with none, the hot path pays one undefined check.
 */
export interface Instrumentation {
  enqueue?(info: { task: string; tenantId: string; count: number }): EnqueueProbe;
  attempt?(job: JobRecord): AttemptProbe;
  /** Expired leases returned to the queue by this process's reclaim. */
  reclaimed?(count: number): void;
}

const NO_ENQUEUE: EnqueueProbe = { traceContext: null, end() {} };

/** One Instrumentation calling several, in order (the first with a trace context gives it). */
export function combineInstrumentation(list: readonly Instrumentation[]): Instrumentation | undefined {
  if (list.length === 0) return undefined;
  if (list.length === 1) return list[0];
  return {
    enqueue(info) {
      const probes = list.map((i) => i.enqueue?.(info) ?? NO_ENQUEUE);
      return {
        traceContext: probes.find((p) => p.traceContext !== null)?.traceContext ?? null,
        end: (results, error) => {
          for (const probe of probes) probe.end(results, error);
        },
      };
    },
    attempt(job) {
      const probes = list.flatMap((i) => (i.attempt ? [i.attempt(job)] : []));
      return {
        run: <T>(fn: () => T): T =>
          probes.reduceRight<() => T>((inner, probe) => () => probe.run(inner), fn)(),
        end: (outcome, error) => {
          for (const probe of probes) probe.end(outcome, error);
        },
      };
    },
    reclaimed(count) {
      for (const i of list) i.reclaimed?.(count);
    },
  };
}
