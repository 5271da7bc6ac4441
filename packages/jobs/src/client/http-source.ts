import { JobFetchError, toJobFetchError } from "./fetch-error.js";
import { readServerSentEvents } from "./sse.js";
import type { WireChildCounts, WireFlow, WireJob } from "./wire.js";

/** Reads one job; resolves with it or throws a {@link JobFetchError}. Must honour `signal`. */
export type FetchJob = (jobId: string, signal: AbortSignal) => Promise<WireJob>;

/** Reads `GET /api/jobs/:id/flow`; resolves with it or throws a {@link JobFetchError}. Must honour `signal`. */
export type FetchFlow = (jobId: string, signal: AbortSignal) => Promise<WireFlow>;

/**
 * A change pushed over SSE. Servers may push the whole job or only the fields that moved; the
 * observer merges what it gets and reads the full job once it is terminal.
 */
export type JobUpdate = Partial<WireJob> & Pick<WireJob, "status">;

/**
 * Streams updates of one job until the stream ends (resolve) or breaks (reject); the observer then
 * falls back to polling. A stream that knows the job's children (the SSE `children` and `child`
 * events) reports their counts to `onChildren`.
 */
export type OpenJobEvents = (
  jobId: string,
  onUpdate: (update: JobUpdate) => void,
  signal: AbortSignal,
  onChildren?: (children: WireChildCounts) => void,
) => Promise<void>;

export interface HttpJobSourceOptions {
  /** Prefix of the API, e.g. "https://books.example.com". Default "" (same origin). */
  baseUrl?: string;
  /** Extra request headers, read on every request (e.g. `Authorization: Bearer lf_…`). */
  headers?: () => Record<string, string>;
  fetch?: typeof fetch;
}

export interface HttpJobSource {
  fetchJob: FetchJob;
  openEvents: OpenJobEvents;
  fetchFlow: FetchFlow;
}

/**
 * `GET /api/jobs/:id`, `/events` and `/flow` of the Ledgerflow job API: the job, its updates (with
 * the children counts of a job that spawned children) and its flow.
 */
export function createHttpJobSource(options: HttpJobSourceOptions = {}): HttpJobSource {
  const base = options.baseUrl ?? "";
  const doFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const url = (jobId: string, suffix = "") => `${base}/api/jobs/${encodeURIComponent(jobId)}${suffix}`;

  const request = async (target: string, accept: string, signal: AbortSignal): Promise<Response> => {
    let response: Response;
    try {
      response = await doFetch(target, { headers: { accept, ...options.headers?.() }, signal });
    } catch (err) {
      throw toJobFetchError(err);
    }
    if (!response.ok) throw JobFetchError.fromStatus(response.status, await serverMessage(response));
    return response;
  };

  return {
    async fetchJob(jobId, signal) {
      const response = await request(url(jobId), "application/json", signal);
      return (await response.json()) as WireJob;
    },
    async fetchFlow(jobId, signal) {
      const response = await request(url(jobId, "/flow"), "application/json", signal);
      return (await response.json()) as WireFlow;
    },
    async openEvents(jobId, onUpdate, signal, onChildren) {
      const response = await request(url(jobId, "/events"), "text/event-stream", signal);
      if (!response.body) throw new JobFetchError("network", "The event stream has no body.");
      await readServerSentEvents(response.body, (message) => {
        const value = parseJson(message.data);
        if (message.event === "children" || message.event === "child") {
          const counts = childCounts(message.event === "child" ? field(value, "children") : value);
          if (counts) onChildren?.(counts);
          return;
        }
        const update = jobUpdate(value);
        if (update) onUpdate(update);
      });
    },
  };
}

function parseJson(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    return null;
  }
}

function field(value: unknown, name: string): unknown {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>)[name] : undefined;
}

function childCounts(value: unknown): WireChildCounts | null {
  const total = field(value, "total");
  const ended = field(value, "ended");
  return typeof total === "number" && typeof ended === "number" ? { total, ended } : null;
}

/** The store's JobEvent and the WireJob both carry status/progress/message; some servers nest the job. */
function jobUpdate(value: unknown): JobUpdate | null {
  if (typeof value !== "object" || value === null) return null;
  const nested = field(value, "job");
  const candidate = typeof nested === "object" && nested !== null ? nested : value;
  return "status" in candidate ? (candidate as JobUpdate) : null;
}

async function serverMessage(response: Response): Promise<string | null> {
  try {
    const body = (await response.json()) as { error?: { message?: unknown } };
    return typeof body.error?.message === "string" ? body.error.message : null;
  } catch {
    return null;
  }
}
