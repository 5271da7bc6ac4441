import {
  createHttpJobSource as createJobSource,
  type HttpJobSource,
  type HttpJobSourceOptions,
  JobFetchError,
  type JobObserverOptions,
  type JobUpdate,
  readServerSentEvents,
  toJobFetchError,
  type WireChildCounts,
  type WireFlow,
} from "@ledgerflow/jobs/client";

/** Reads `GET /api/jobs/:id/flow`; resolves with it or throws a `JobFetchError`. Must honour `signal`. */
export type FetchFlow = (jobId: string, signal: AbortSignal) => Promise<WireFlow>;

/** Streams a job's updates; a stream that knows the job's children reports their counts to `onChildren`. */
export type OpenJobFlowEvents = NonNullable<JobObserverOptions["openEvents"]>;

export interface HttpJobFlowSource extends HttpJobSource {
  /** Also reports the `children` and `child` events of a job with children (their counts). */
  openEvents: OpenJobFlowEvents;
  fetchFlow: FetchFlow;
}

/**
 * `GET /api/jobs/:id`, `/events` and `/flow` of the Ledgerflow job API: `@ledgerflow/jobs/client`'s
 * source, plus the job's flow and the children counts its event stream carries, so that
 * `<JobProgress>` can show "chunk 7/40" for a job that spawned children.
 */
export function createHttpJobSource(options: HttpJobSourceOptions = {}): HttpJobFlowSource {
  const jobs = createJobSource(options);
  const base = options.baseUrl ?? "";
  const doFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const url = (jobId: string, suffix: string) => `${base}/api/jobs/${encodeURIComponent(jobId)}${suffix}`;

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
    fetchJob: jobs.fetchJob,
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

/** As `@ledgerflow/jobs/client` reads a `message`: the whole job, a small event, or a nested `job`. */
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
