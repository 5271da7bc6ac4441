import {
  type FetchJob,
  initialJobState,
  type JobErrorInfo,
  JobObserver,
  type JobObserverState,
  type JobStatus,
  type Json,
  type WireChildCounts,
  type WireJob,
} from "@ledgerflow/jobs/client";
import { useEffect, useMemo, useRef, useSyncExternalStore } from "react";
import { useJobsClient } from "./context.js";
import type { FetchFlow, OpenJobFlowEvents } from "./http-source.js";

export interface UseJobStatusOptions {
  /** Called once, when the job is first seen complete. */
  onComplete?: (result: Json | null, job: WireJob) => void;
  /** Called once, when the job is first seen failed or cancelled, or cannot be read (not found). */
  onError?: (error: JobErrorInfo, job: WireJob | null) => void;
  /** Overrides the {@link JobsClientProvider}'s fetcher. */
  fetchJob?: FetchJob;
  openEvents?: OpenJobFlowEvents;
  /**
   * Reads the job's flow while polling, for its children counts. Default: the provider's, unless
   * `fetchJob` is given (then the job is read elsewhere and only this option's flow reader is used).
   */
  fetchFlow?: FetchFlow;
  /** "sse" streams updates and falls back to polling if the stream fails. Default "poll". */
  mode?: "poll" | "sse";
}

export interface JobStatusResult {
  status: JobStatus | null;
  progress: number;
  message: string | null;
  result: Json | null;
  error: JobErrorInfo | null;
  job: WireJob | null;
  /** Terminal, or unreadable: no more requests will be made. */
  settled: boolean;
  /** The job's children (`ctx.spawn`): how many, how many ended. null while none are known. */
  children: WireChildCounts | null;
}

const idle = initialJobState("");
const subscribeNothing = () => () => {};
const getIdle = () => idle;

/**
 * Follows a job on the seed's polling schedule (see `nextDelay`) until it is terminal.
 * A thin binding: the {@link JobObserver} does the work; React subscribes to it.
 * Pass `null` to follow nothing.
 */
export function useJobStatus(jobId: string | null, options: UseJobStatusOptions = {}): JobStatusResult {
  const client = useJobsClient();
  const latest = useRef({ options, client });
  latest.current = { options, client };
  const mode = options.mode ?? "poll";

  const observer = useMemo(() => {
    if (!jobId) return null;
    const { options: o, client: c } = latest.current;
    const openEvents = o.openEvents ?? c.openEvents;
    const hasFlow = Boolean(o.fetchFlow ?? (o.fetchJob ? undefined : c.fetchFlow));
    // Read through the ref, like the job itself; the client's reader only goes with the client's jobs.
    const fetchFlow: FetchFlow = (id, signal) => {
      const { options: lo, client: lc } = latest.current;
      const read = lo.fetchFlow ?? (lo.fetchJob ? undefined : lc.fetchFlow);
      return read ? read(id, signal) : Promise.reject(new Error("No flow reader."));
    };
    return new JobObserver(jobId, {
      // Read through the ref so a new inline fetcher each render does not restart the observation.
      fetchJob: (id, signal) =>
        (latest.current.options.fetchJob ?? latest.current.client.fetchJob)(id, signal),
      ...(openEvents ? { openEvents } : {}),
      ...(hasFlow ? { fetchFlow } : {}),
      mode,
    });
  }, [jobId, mode]);

  const state: JobObserverState = useSyncExternalStore(
    observer ? observer.subscribe : subscribeNothing,
    observer ? observer.getSnapshot : getIdle,
    observer ? observer.getSnapshot : getIdle,
  );

  const notifiedFor = useRef<string | null>(null);
  useEffect(() => {
    if (!state.settled || !state.jobId || notifiedFor.current === state.jobId) return;
    notifiedFor.current = state.jobId;
    const { onComplete, onError } = latest.current.options;
    if (state.status === "complete" && state.job) onComplete?.(state.result, state.job);
    else if (state.error) onError?.(state.error, state.job);
    else if (state.status === "cancelled")
      onError?.({ code: "cancelled", message: "The job was cancelled." }, state.job);
  }, [state]);

  return {
    status: state.status,
    progress: state.progress,
    message: state.message,
    result: state.result,
    error: state.error,
    job: state.job,
    settled: state.settled,
    children: state.children,
  };
}
