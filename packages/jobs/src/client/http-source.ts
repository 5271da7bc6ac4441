import { JobFetchError, toJobFetchError } from "./fetch-error.js";
import { readServerSentEvents } from "./sse.js";
import type { WireJob } from "./wire.js";

/** Reads one job; resolves with it or throws a {@link JobFetchError}. Must honour `signal`. */
export type FetchJob = (jobId: string, signal: AbortSignal) => Promise<WireJob>;

/**
 * A change pushed over SSE. Servers may push the whole job or only the fields that moved; the
 * observer merges what it gets and reads the full job once it is terminal.
 */
export type JobUpdate = Partial<WireJob> & Pick<WireJob, "status">;

/**
 * Streams updates of one job until the stream ends (resolve) or breaks (reject); the observer then
 * falls back to polling.
 */
export type OpenJobEvents = (
  jobId: string,
  onUpdate: (update: JobUpdate) => void,
  signal: AbortSignal,
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
}

/** `GET /api/jobs/:id` and `GET /api/jobs/:id/events` of the Ledgerflow job API. */
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
    async openEvents(jobId, onUpdate, signal) {
      const response = await request(url(jobId, "/events"), "text/event-stream", signal);
      if (!response.body) throw new JobFetchError("network", "The event stream has no body.");
      await readServerSentEvents(response.body, (message) => {
        const update = parseUpdate(message.data);
        if (update) onUpdate(update);
      });
    },
  };
}

function parseUpdate(data: string): JobUpdate | null {
  try {
    const value: unknown = JSON.parse(data);
    if (typeof value !== "object" || value === null) return null;
    // The store's JobEvent and the WireJob both carry status/progress/message; some servers nest the job.
    const candidate = "job" in value && typeof value.job === "object" ? value.job : value;
    if (candidate && typeof candidate === "object" && "status" in candidate) return candidate as JobUpdate;
    return null;
  } catch {
    return null;
  }
}

async function serverMessage(response: Response): Promise<string | null> {
  try {
    const body = (await response.json()) as { error?: { message?: unknown } };
    return typeof body.error?.message === "string" ? body.error.message : null;
  } catch {
    return null;
  }
}
