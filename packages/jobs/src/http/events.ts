import type { Context } from "hono";
import { streamSSE } from "hono/streaming";
import { isTerminalStatus, toWireJob } from "../client/wire.js";
import type { JobRecord } from "../types.js";
import type { JobRoutesQueue } from "./queue-port.js";

/** Proxies close idle connections after about a minute; a comment line well inside that keeps them open. */
export const SSE_HEARTBEAT_MS = 15_000;

/**
 * `GET /api/jobs/:id/events`: one `message` event carrying the whole wire job on connect and after
 * every change, then the stream ends once the job is terminal. A deleted job ends the stream with an
 * `event: deleted`. Sending the whole job (read again on each event) instead of the small engine
 * event keeps the client trivial: every message replaces its state, no merging, no missed fields.
 */
export async function streamJobEvents(
  c: Context,
  queue: JobRoutesQueue,
  tenantId: string,
  jobId: string,
  heartbeatMs: number = SSE_HEARTBEAT_MS,
): Promise<Response> {
  // Read once before streaming so an unknown or other tenant's id is a plain 404, not an empty stream.
  await queue.get(tenantId, jobId);
  c.header("X-Accel-Buffering", "no");
  c.header("Cache-Control", "no-cache, no-transform");

  return streamSSE(c, async (stream) => {
    let sequence = 0;
    let finish: () => void = () => undefined;
    const finished = new Promise<void>((resolve) => {
      finish = resolve;
    });
    let done = false;
    const end = () => {
      done = true;
      finish();
    };

    const writeJob = async (job: JobRecord) => {
      if (done) return;
      sequence += 1;
      await stream.writeSSE({ id: String(sequence), data: JSON.stringify(toWireJob(job)) });
      if (isTerminalStatus(job.status)) end();
    };

    // Events are applied one after another so a slow read cannot reorder what the client sees.
    let chain: Promise<void> = Promise.resolve();
    const step = (fn: () => Promise<void>) => {
      // A write to a stream the client closed rejects: that simply ends this stream.
      chain = chain.then(fn).catch(end);
    };
    const off = queue.subscribe(jobId, (event) => {
      if (event.tenantId !== tenantId) return;
      step(async () => {
        if (done) return;
        if (event.kind === "deleted") {
          await stream.writeSSE({ event: "deleted", data: JSON.stringify({ id: jobId }) });
          end();
          return;
        }
        const job = await queue.get(tenantId, jobId).catch(() => null);
        if (job) await writeJob(job);
        else end();
      });
    });
    const heartbeat = setInterval(() => {
      if (!done) void stream.write(": keep-alive\n\n").catch(end);
    }, heartbeatMs);
    stream.onAbort(end);

    try {
      // Subscribed first, then the snapshot: a change between the two is sent, never lost.
      step(async () => {
        const job = await queue.get(tenantId, jobId).catch(() => null);
        if (job) await writeJob(job);
        else end();
      });
      await finished;
      await chain;
    } finally {
      off();
      clearInterval(heartbeat);
    }
  });
}
