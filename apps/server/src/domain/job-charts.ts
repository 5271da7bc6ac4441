import type { Queue } from "@ledgerflow/jobs";

/**
 * The operator dashboard's charts. Two sources, chosen for what each can answer:
 * - throughput and failure rate come from the finished jobs' own timestamps in the store, so they are
 *   the same on every server and survive restarts (within the retention period, 24 h by default);
 * - queue depth over time cannot be read back from the store (a pending job leaves no trace of having
 *   waited), so each server samples `queue.stats()` into a bounded ring buffer. It is lost on restart
 *   and starts again empty; with several servers each one samples the same shared store, so any of
 *   them shows the same depth, only with a history as long as its own uptime. See docs/web.md.
 */

export const CHART_WINDOWS = {
  hour: { ms: 3_600_000, bucketMs: 60_000 },
  day: { ms: 86_400_000, bucketMs: 900_000 },
};
export type ChartWindow = keyof typeof CHART_WINDOWS;

/** Finished jobs read per chart: beyond it the chart covers the newest jobs only and says so. */
export const THROUGHPUT_SCAN_MAX = 20_000;
const LIST_PAGE = 500;

export interface ThroughputBucket {
  start: number;
  completed: number;
  failed: number;
}

export interface Throughput {
  buckets: ThroughputBucket[];
  /** Finished jobs read from the store for this chart. */
  scanned: number;
  /** More jobs than THROUGHPUT_SCAN_MAX finished in the window: the oldest buckets are undercounted. */
  truncated: boolean;
}

/**
 * Jobs that finished (complete or failed for good) in each bucket of the window. The store filters by
 * creation time, so jobs created up to one window before it are read too: a job that waited or ran
 * longer than that is not counted (rare: the default attempt timeout is 15 minutes).
 */
export async function throughput(queue: Queue, window: ChartWindow, now: number): Promise<Throughput> {
  const { ms, bucketMs } = CHART_WINDOWS[window];
  const end = Math.ceil(now / bucketMs) * bucketMs;
  const start = end - ms;
  const buckets: ThroughputBucket[] = [];
  for (let t = start; t < end; t += bucketMs) buckets.push({ start: t, completed: 0, failed: 0 });
  let scanned = 0;
  let cursor: string | null = null;
  do {
    const page = await queue.list({
      tenantId: null,
      status: ["complete", "failed"],
      createdFrom: start - ms,
      cursor,
      limit: LIST_PAGE,
    });
    for (const job of page.jobs) {
      scanned += 1;
      if (job.finishedAt === null || job.finishedAt < start || job.finishedAt >= end) continue;
      const bucket = buckets[Math.floor((job.finishedAt - start) / bucketMs)];
      if (!bucket) continue;
      if (job.status === "complete") bucket.completed += 1;
      else bucket.failed += 1;
    }
    cursor = page.nextCursor;
  } while (cursor && scanned < THROUGHPUT_SCAN_MAX);
  return { buckets, scanned, truncated: cursor !== null };
}

export interface DepthSample {
  at: number;
  pending: number;
  due: number;
  running: number;
}

/** Every 15 s: a day of samples is 5,760 entries of four numbers. */
export const DEPTH_SAMPLE_MS = 15_000;
const DEPTH_CAPACITY = 86_400_000 / DEPTH_SAMPLE_MS;

export interface DepthSampler {
  /** Takes a sample now (also what the timer does). */
  sample(): Promise<DepthSample>;
  /** The samples inside the window, oldest first; for `day`, the highest of each bucket. */
  series(window: ChartWindow, now: number): DepthSample[];
  /** When the oldest kept sample was taken (this server's start, for its first day), or null. */
  since(): number | null;
  start(): void;
  stop(): void;
}

export function createDepthSampler(queue: Queue, options: { intervalMs?: number } = {}): DepthSampler {
  const ring: DepthSample[] = [];
  let next = 0;
  let timer: ReturnType<typeof setInterval> | null = null;
  const ordered = () => (ring.length < DEPTH_CAPACITY ? ring : [...ring.slice(next), ...ring.slice(0, next)]);
  const sampler: DepthSampler = {
    async sample() {
      const stats = await queue.stats();
      const sample: DepthSample = { at: queue.clock.now(), pending: 0, due: 0, running: 0 };
      for (const s of stats) {
        sample.pending += s.pending;
        sample.due += s.due;
        sample.running += s.running;
      }
      if (ring.length < DEPTH_CAPACITY) ring.push(sample);
      else ring[next] = sample;
      next = (next + 1) % DEPTH_CAPACITY;
      return sample;
    },
    series(window, now) {
      const { ms, bucketMs } = CHART_WINDOWS[window];
      const inWindow = ordered().filter((s) => s.at > now - ms && s.at <= now);
      if (window === "hour") return inWindow;
      const peaks = new Map<number, DepthSample>();
      for (const s of inWindow) {
        const key = Math.floor(s.at / bucketMs) * bucketMs;
        const peak = peaks.get(key);
        if (!peak || s.pending + s.running > peak.pending + peak.running) peaks.set(key, { ...s, at: key });
      }
      return [...peaks.values()];
    },
    since: () => ordered()[0]?.at ?? null,
    start() {
      if (timer) return;
      void sampler.sample().catch(() => undefined);
      // A failed sample (the store briefly unreachable) leaves a gap in the chart, not a crash.
      timer = setInterval(
        () => void sampler.sample().catch(() => undefined),
        options.intervalMs ?? DEPTH_SAMPLE_MS,
      );
      timer.unref?.();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
  return sampler;
}
