import type { Instrumentation, Queue } from "@ledgerflow/jobs";
import { createJobMetrics, type JobMetrics } from "@ledgerflow/jobs/metrics";
import { createTracing } from "@ledgerflow/jobs/otel";
import { AggregatorRegistry } from "prom-client";
import { startTracing } from "./tracing.js";

/**
 * What one process (or the worker thread) of the server instruments its queue with: the engine's
 * metrics always, its spans when tracing is configured.
 */
export interface EngineObservability {
  metrics: JobMetrics;
  instrumentation: Instrumentation[];
}

export function engineObservability(): EngineObservability {
  const metrics = createJobMetrics();
  const instrumentation: Instrumentation[] = [metrics.instrumentation];
  if (startTracing() !== null) instrumentation.push(createTracing());
  return { metrics, instrumentation };
}

/**
 * The engine metrics of this process merged with those of its worker thread (the thread runs the
 * attempts, so its counters live there): counters and histograms summed, gauges taken from here —
 * only this side observes the store, so they appear once.
 */
export async function engineMetricsText(
  own: JobMetrics,
  queue: Queue,
  thread: (() => Promise<unknown[]>) | null,
): Promise<string> {
  own.observe(queue);
  if (thread === null) return own.registry.metrics();
  const mine = await own.registry.getMetricsAsJSON();
  const theirs = await thread().catch(() => []);
  return AggregatorRegistry.aggregate([mine, theirs] as never).metrics();
}
