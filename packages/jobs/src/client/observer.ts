import type { JobErrorInfo, JobStatus, Json } from "../types.js";
import { documentVisibility, globalTimers, type Timers, type Visibility } from "./environment.js";
import { type JobFetchError, toJobFetchError } from "./fetch-error.js";
import type { FetchJob, JobUpdate, OpenJobEvents } from "./http-source.js";
import { errorRetryDelay, nextDelay } from "./schedule.js";
import { isTerminalStatus, type WireChildCounts, type WireFlow, type WireJob } from "./wire.js";

export interface JobObserverState {
  jobId: string;
  /** The last full job read, or null before the first answer. */
  job: WireJob | null;
  /** null until the first answer arrives. */
  status: JobStatus | null;
  progress: number;
  message: string | null;
  result: Json | null;
  /** The job's own error, or why it cannot be read (`not_found`, `unauthorized`, `network` while retrying). */
  error: JobErrorInfo | null;
  /** The job is terminal or cannot be read any more: no further requests. */
  settled: boolean;
  /** Answers received so far (drives {@link nextDelay}). */
  polls: number;
  consecutiveFailures: number;
  transport: "poll" | "sse";
  /**
   * The job's children (`ctx.spawn`), over all its groups: how many, how many ended ("chunk 7/40").
   * null while none are known. From the stream's `children`/`child` events, or, when polling,
   * from `fetchFlow`.
   */
  children: WireChildCounts | null;
}

/** The stream of {@link OpenJobEvents}, which may report the job's children counts (kept as a name). */
export type OpenJobFlowEvents = OpenJobEvents;

export interface JobObserverOptions {
  fetchJob: FetchJob;
  /** "sse" streams updates when `openEvents` is given and falls back to polling when the stream fails. */
  mode?: "poll" | "sse";
  /**
   * Streams the job's updates. A stream that can also report the job's children calls the fourth
   * argument with their counts (the SSE `children` and `child` events); a plain
   * {@link OpenJobEvents} ignores it.
   */
  openEvents?: OpenJobFlowEvents;
  /**
   * Reads `GET /api/jobs/:id/flow`. When given, polling also reads the job's children counts: after
   * a job answer (so never more often than the job), while the job is not terminal, once it has been
   * seen with progress, with children, or pending after it started (a parent waiting for children).
   */
  fetchFlow?: (jobId: string, signal: AbortSignal) => Promise<WireFlow>;
  timers?: Timers;
  visibility?: Visibility;
}

/**
 * Follows one job until it is terminal: reads it at once, then polls on the seed's schedule
 * ({@link nextDelay}), one request at a time, paused while the page is hidden. Framework-free:
 * `subscribe`/`getSnapshot` fit React's useSyncExternalStore (TanStack's QueryObserver pattern).
 * It runs only while it has subscribers, and resumes where it was if subscribed again.
 */
export class JobObserver {
  readonly jobId: string;
  #options: JobObserverOptions;
  #timers: Timers;
  #visibility: Visibility;
  #state: JobObserverState;
  #listeners = new Set<() => void>();
  #run: AbortController | null = null;
  #timer: unknown = null;
  #inFlight = false;
  #flowInFlight = false;
  #streaming = false;
  #sseFailed = false;
  #unwatchVisibility: (() => void) | null = null;

  constructor(jobId: string, options: JobObserverOptions) {
    this.jobId = jobId;
    this.#options = options;
    this.#timers = options.timers ?? globalTimers;
    this.#visibility = options.visibility ?? documentVisibility;
    this.#state = initialJobState(jobId, options.mode === "sse" && options.openEvents ? "sse" : "poll");
  }

  getSnapshot = (): JobObserverState => this.#state;

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    if (this.#listeners.size === 1) this.#start();
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0) this.#stop();
    };
  };

  /** Reads the job now (e.g. after the user asked to cancel it), unless a request is already out. */
  refresh(): void {
    if (!this.#run || this.#state.settled || this.#inFlight) return;
    this.#clearTimer();
    void this.#fetchOnce();
  }

  #start(): void {
    if (this.#run || this.#state.settled) return;
    this.#run = new AbortController();
    this.#unwatchVisibility = this.#visibility.subscribe(this.#onVisibilityChange);
    void this.#fetchOnce();
  }

  #stop(): void {
    this.#clearTimer();
    this.#unwatchVisibility?.();
    this.#unwatchVisibility = null;
    this.#run?.abort();
    this.#run = null;
    this.#inFlight = false;
    this.#flowInFlight = false;
    this.#streaming = false;
  }

  #onVisibilityChange = (): void => {
    // Hidden: the pending timer finds the page hidden and skips. Visible again: catch up at once.
    if (!this.#run || this.#visibility.isHidden() || this.#streaming) return;
    this.refresh();
  };

  #schedule(ms: number): void {
    this.#clearTimer();
    this.#timer = this.#timers.setTimeout(() => {
      this.#timer = null;
      if (!this.#run || this.#inFlight || this.#visibility.isHidden()) return;
      void this.#fetchOnce();
    }, ms);
  }

  #clearTimer(): void {
    if (this.#timer !== null) this.#timers.clearTimeout(this.#timer);
    this.#timer = null;
  }

  async #fetchOnce(): Promise<void> {
    const run = this.#run;
    if (!run) return;
    this.#inFlight = true;
    try {
      const job = await this.#options.fetchJob(this.jobId, run.signal);
      if (run !== this.#run) return;
      this.#inFlight = false;
      this.#applyJob(job);
    } catch (err) {
      if (run !== this.#run) return;
      this.#inFlight = false;
      this.#applyFailure(toJobFetchError(err));
    }
  }

  #applyJob(job: WireJob): void {
    const polls = this.#state.polls + 1;
    const settled = isTerminalStatus(job.status);
    this.#setState({
      ...this.#state,
      job,
      status: job.status,
      progress: job.progress,
      message: job.message,
      result: job.result,
      error: job.error,
      settled,
      polls,
      consecutiveFailures: 0,
    });
    if (settled) {
      this.#stop();
      return;
    }
    if (this.#state.transport === "sse" && !this.#sseFailed) {
      if (!this.#streaming) this.#openStream();
      return;
    }
    this.#schedule(nextDelay(polls));
    if (this.#wantsFlow(job)) void this.#fetchFlowOnce();
  }

  /** Whether a poll should also read the children: the job may have some and is not terminal. */
  #wantsFlow(job: WireJob): boolean {
    if (!this.#options.fetchFlow || this.#flowInFlight) return false;
    return (
      job.progress > 0 ||
      this.#state.children !== null ||
      (job.status === "pending" && job.started_at !== null)
    );
  }

  async #fetchFlowOnce(): Promise<void> {
    const run = this.#run;
    const fetchFlow = this.#options.fetchFlow;
    if (!run || !fetchFlow) return;
    this.#flowInFlight = true;
    try {
      const flow = await fetchFlow(this.jobId, run.signal);
      if (run !== this.#run) return;
      this.#flowInFlight = false;
      // No children (yet): nothing to show. A failed read keeps the counts already known.
      if (flow.children.total > 0) this.#applyChildren(run, flow.children);
    } catch {
      if (run === this.#run) this.#flowInFlight = false;
    }
  }

  #applyChildren(run: AbortController, counts: WireChildCounts): void {
    if (run !== this.#run || this.#state.settled) return;
    const known = this.#state.children;
    // Counts only move forward (a child event may trail the counts event before it by one).
    const next = {
      total: Math.max(known?.total ?? 0, counts.total),
      ended: Math.max(known?.ended ?? 0, counts.ended),
    };
    if (next.total === 0 || (known && known.total === next.total && known.ended === next.ended)) return;
    this.#setState({ ...this.#state, children: next });
  }

  #applyFailure(err: JobFetchError): void {
    const failures = this.#state.consecutiveFailures + 1;
    const settled = !err.retryable;
    this.#setState({
      ...this.#state,
      error: { code: err.code, message: err.message },
      settled,
      consecutiveFailures: failures,
    });
    if (settled) {
      this.#stop();
      return;
    }
    this.#schedule(errorRetryDelay(failures));
  }

  #openStream(): void {
    const run = this.#run;
    const openEvents = this.#options.openEvents;
    if (!run || !openEvents) return;
    this.#streaming = true;
    const fallBack = () => {
      if (run !== this.#run || this.#state.settled) return;
      this.#streaming = false;
      this.#sseFailed = true;
      this.#setState({ ...this.#state, transport: "poll" });
      this.refresh();
    };
    openEvents(
      this.jobId,
      (update) => this.#applyUpdate(run, update),
      run.signal,
      (children) => this.#applyChildren(run, children),
    ).then(fallBack, fallBack);
  }

  #applyUpdate(run: AbortController, update: JobUpdate): void {
    if (run !== this.#run || this.#state.settled) return;
    if (isWholeJob(update)) {
      // Ledgerflow's own server pushes the whole job: it replaces the state, result and error included.
      this.#streaming = !isTerminalStatus(update.status);
      this.#applyJob(update);
      return;
    }
    this.#setState({
      ...this.#state,
      status: update.status,
      progress: update.progress ?? this.#state.progress,
      message: update.message !== undefined ? update.message : this.#state.message,
    });
    // Events are small (status, progress, message): read the full job for its result or error.
    if (isTerminalStatus(update.status)) {
      this.#streaming = false;
      this.#clearTimer();
      if (!this.#inFlight) void this.#fetchOnce();
    }
  }

  #setState(next: JobObserverState): void {
    this.#state = next;
    for (const listener of this.#listeners) listener();
  }
}

function isWholeJob(update: JobUpdate): update is WireJob {
  return typeof update.id === "string" && "result" in update && "error" in update && "created_at" in update;
}

export function initialJobState(jobId: string, transport: "poll" | "sse" = "poll"): JobObserverState {
  return {
    jobId,
    job: null,
    status: null,
    progress: 0,
    message: null,
    result: null,
    error: null,
    settled: false,
    polls: 0,
    consecutiveFailures: 0,
    transport,
    children: null,
  };
}
