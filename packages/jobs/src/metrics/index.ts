import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { AttemptOutcome, Instrumentation } from "../instrumentation.js";
import type { Queue } from "../queue.js";
import type { JobRecord } from "../types.js";

export interface JobMetricsOptions {
  /** Registers into this registry (e.g. prom-client's global `register`). Default: a new one. */
  registry?: Registry;
  /** Metric name prefix. Default "ledgerflow_". */
  prefix?: string;
  /** Read at scrape time for the depth, oldest-pending and running gauges (all tenants). */
  queue?: Queue;
}

export interface JobMetrics {
  readonly registry: Registry;
  /** Pass to createQueue({ instrumentation }) so enqueues, attempts and reclaims are counted. */
  readonly instrumentation: Instrumentation;
  /**
   * Adds the gauges read from this queue's store at scrape time (depth, due, running, oldest due
   * age), when `options.queue` could not be given (the queue is created with `instrumentation`).
   * Calling it again with the same queue does nothing; another queue is refused.
   */
  observe(queue: Queue): void;
}

const ATTEMPT_BUCKETS = [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900];
const WAIT_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

/**
 * The engine's Prometheus metrics (prom-client, an optional peer dependency). Counters count what
 * THIS process did (its enqueues, its workers' attempts and reclaims), so summing over processes is
 * right; the gauges read the store at scrape time and are the same from every process (take max, not
 * sum). Names (with the default prefix):
 * - ledgerflow_jobs_enqueued_total{task}            jobs created by enqueue calls
 * - ledgerflow_jobs_started_total{task}             attempts started
 * - ledgerflow_jobs_completed_total{task}           attempts that completed
 * - ledgerflow_jobs_failed_total{task}              attempts that failed for good
 * - ledgerflow_jobs_retried_total{task}             attempts that failed and will be retried
 * - ledgerflow_jobs_ended_total{task,outcome}       every attempt end, by outcome (also cancelled, lease_lost, released)
 * - ledgerflow_lease_reclaims_total                 expired leases this process returned to the queue
 * - ledgerflow_attempt_duration_seconds{task,outcome}  claim → outcome
 * - ledgerflow_job_start_delay_seconds{task}        due (enqueue, or retry time) → claim
 * - ledgerflow_queue_depth{task}                    pending jobs (due or not)
 * - ledgerflow_queue_due{task}                      pending jobs due now
 * - ledgerflow_queue_oldest_due_age_seconds{task}   how long the oldest due job has waited
 * - ledgerflow_jobs_running{task}                   running jobs (every worker)
 */
export function createJobMetrics(options: JobMetricsOptions = {}): JobMetrics {
  const registry = options.registry ?? new Registry();
  const p = options.prefix ?? "ledgerflow_";
  const registers = [registry];
  const counter = (name: string, help: string, labelNames: string[] = ["task"]) =>
    new Counter({ name: `${p}${name}`, help, labelNames, registers });
  const enqueued = counter("jobs_enqueued_total", "Jobs created by this process's enqueue calls.");
  const started = counter("jobs_started_total", "Attempts started by this process's workers.");
  const completed = counter("jobs_completed_total", "Attempts that completed.");
  const failed = counter(
    "jobs_failed_total",
    "Attempts that failed for good (no retry left, or not retryable).",
  );
  const retried = counter("jobs_retried_total", "Attempts that failed and will be retried.");
  const ended = counter("jobs_ended_total", "Attempt ends by outcome.", ["task", "outcome"]);
  const reclaims = new Counter({
    name: `${p}lease_reclaims_total`,
    help: "Expired leases (dead or stalled workers) this process returned to the queue.",
    registers,
  });
  const duration = new Histogram({
    name: `${p}attempt_duration_seconds`,
    help: "Attempt run time, from claim to outcome, by task and outcome.",
    labelNames: ["task", "outcome"],
    buckets: ATTEMPT_BUCKETS,
    registers,
  });
  const startDelay = new Histogram({
    name: `${p}job_start_delay_seconds`,
    help: "Time from a job being due (enqueued, or its retry time) to a worker claiming it.",
    labelNames: ["task"],
    buckets: WAIT_BUCKETS,
    registers,
  });

  let observed: Queue | undefined;
  const observe = (queue: Queue) => {
    if (observed === queue) return;
    if (observed !== undefined) {
      throw new Error(
        "createJobMetrics: these metrics already observe another queue; create one set per queue.",
      );
    }
    observed = queue;
    type Stats = Awaited<ReturnType<Queue["store"]["stats"]>>;
    let reading: Promise<Stats> | undefined;
    // The gauges prom-client collects together share one store read; the next scrape reads afresh.
    const stats = (): Promise<Stats> => {
      if (reading !== undefined) return reading;
      const current = queue.store.stats(queue.clock.now());
      reading = current;
      const clear = () => {
        if (reading === current) reading = undefined;
      };
      current.then(clear, clear);
      return current;
    };
    const gauge = (name: string, help: string, value: (s: Stats[number]) => number) =>
      new Gauge({
        name: `${p}${name}`,
        help,
        labelNames: ["task"],
        registers,
        async collect() {
          this.reset();
          for (const s of await stats()) this.set({ task: s.type }, value(s));
        },
      });
    gauge("queue_depth", "Pending jobs, due or scheduled for later, by task.", (s) => s.pending);
    gauge("queue_due", "Pending jobs that are due now, by task.", (s) => s.due);
    gauge("jobs_running", "Running jobs (all workers), by task.", (s) => s.running);
    gauge("queue_oldest_due_age_seconds", "How long the oldest due pending job has waited, by task.", (s) =>
      s.oldestDueAt === null ? 0 : Math.max(0, (queue.clock.now() - s.oldestDueAt) / 1000),
    );
  };
  if (options.queue !== undefined) observe(options.queue);

  const instrumentation: Instrumentation = {
    enqueue: ({ task }) => ({
      traceContext: null,
      end(results) {
        if (results === null) return;
        let created = 0;
        for (const r of results) if (r.created) created += 1;
        if (created > 0) enqueued.inc({ task }, created);
      },
    }),
    attempt(job: JobRecord) {
      const task = job.type;
      const startedAt = performance.now();
      started.inc({ task });
      if (job.startedAt !== null) startDelay.observe({ task }, Math.max(0, job.startedAt - job.runAt) / 1000);
      return {
        run: (fn) => fn(),
        end(outcome: AttemptOutcome) {
          ended.inc({ task, outcome });
          if (outcome === "completed") completed.inc({ task });
          else if (outcome === "failed") failed.inc({ task });
          else if (outcome === "retrying") retried.inc({ task });
          duration.observe({ task, outcome }, (performance.now() - startedAt) / 1000);
        },
      };
    },
    reclaimed(count) {
      if (count > 0) reclaims.inc(count);
    },
  };
  return { registry, instrumentation, observe };
}
