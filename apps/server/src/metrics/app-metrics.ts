import type { JobEvent, JobStatus } from "@ledgerflow/jobs";
import { Counter, Gauge, Histogram, Registry } from "./registry.js";

const HTTP_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const JOB_BUCKETS = [0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900];
/** Jobs whose start this process saw but whose end it has not: bounded so a crash elsewhere cannot grow it. */
const MAX_TRACKED_STARTS = 100_000;

export interface AppMetrics {
  /** Called by the HTTP middleware once per response. `route` is the matched pattern, not the raw path. */
  observeHttp(method: string, route: string, status: number, seconds: number): void;
  /** Feed every queue event here (`queue.onEvent(metrics.observeJobEvent)`). */
  observeJobEvent(event: JobEvent): void;
  /** The Prometheus text, with job counts read fresh from the store. */
  render(): Promise<string>;
}

export function createAppMetrics(options: {
  /** Jobs per status across all tenants, read at scrape time. */
  countJobs: () => Promise<Record<JobStatus, number>>;
  now?: () => number;
}): AppMetrics {
  const now = options.now ?? (() => performance.now());
  const registry = new Registry();
  const http = registry.register(
    new Histogram("ledgerflow_http_request_duration_seconds", "HTTP request latency by route.", HTTP_BUCKETS),
  );
  const jobs = registry.register(new Gauge("ledgerflow_jobs", "Jobs in the store by status."));
  const durations = registry.register(
    new Histogram(
      "ledgerflow_job_duration_seconds",
      "Run time of the attempts that this process started and saw end, by task and outcome.",
      JOB_BUCKETS,
    ),
  );
  const finished = registry.register(
    new Counter(
      "ledgerflow_job_events_total",
      "Job lifecycle events seen by this process, by task and kind.",
    ),
  );
  const started = new Map<string, number>();

  // One bound series per (method, route, status): every request adds a sample, and the histogram's
  // key from a labels object (entries, sort, JSON) cost more than the sample itself.
  const httpSeries = new Map<string, (seconds: number) => void>();

  return {
    observeHttp(method, route, status, seconds) {
      const key = `${method} ${status} ${route}`;
      let observe = httpSeries.get(key);
      if (observe === undefined) {
        observe = http.bind({ method, route, status: String(status) });
        httpSeries.set(key, observe);
      }
      observe(seconds);
    },
    observeJobEvent(event) {
      if (event.kind === "progress") return;
      finished.inc({ type: event.type, kind: event.kind });
      if (event.kind === "started") {
        if (started.size >= MAX_TRACKED_STARTS) started.clear();
        started.set(event.jobId, now());
        return;
      }
      const startedAt = started.get(event.jobId);
      if (startedAt === undefined) return;
      if (
        event.kind === "completed" ||
        event.kind === "failed" ||
        event.kind === "retrying" ||
        event.kind === "cancelled"
      ) {
        started.delete(event.jobId);
        durations.observe({ type: event.type, outcome: event.kind }, (now() - startedAt) / 1000);
      }
    },
    async render() {
      const counts = await options.countJobs();
      jobs.set(Object.entries(counts).map(([status, value]) => ({ labels: { status }, value })));
      return registry.render();
    },
  };
}
