import type { Context } from "hono";
import { streamSSE } from "hono/streaming";
import { isTerminalStatus, toWireJob, type WireChildCounts, type WireChildEvent } from "../client/wire.js";
import { memberJobId } from "../flows/ids.js";
import type { JobRecord, JobStatus, Unsubscribe } from "../types.js";
import type { JobRoutesQueue } from "./queue-port.js";

/** Proxies close idle connections after about a minute; a comment line well inside that keeps them open. */
export const SSE_HEARTBEAT_MS = 15_000;

/**
 * `GET /api/jobs/:id/events`: one `message` event carrying the whole wire job on connect and after
 * every change, then the stream ends once the job is terminal. A deleted job ends the stream with an
 * `event: deleted`. Sending the whole job (read again on each event) instead of the small engine
 * event keeps the client trivial: every message replaces its state, no merging, no missed fields.
 *
 * A job with children (`ctx.spawn`) also gets, when the queue has `flow`: an `event: children`
 * with `{ total, ended }` on connect and whenever the counts move, and an `event: child`
 * ({@link WireChildEvent}) after every change of one of its children, so a page watching the parent
 * sees chunks finish without following each child. The counts are the store's; a child's own end
 * is counted just after its event, so a `child` event may trail by one, and the next event (at the
 * latest the parent's wake-up) catches up. Neither payload has a top-level `status`, so clients that
 * read only `message` events skip them.
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

    // Children: followed once the parent is seen with some; counts only move forward.
    const children = new Map<string, Unsubscribe>();
    const lastSeen = new Map<string, string>();
    let counts: WireChildCounts = { total: 0, ended: 0 };
    let lastStatus: JobStatus | null = null;
    const readCounts = async (): Promise<boolean> => {
      const info = await queue.flow?.(tenantId, jobId, { listChildren: 0 }).catch(() => null);
      if (!info) return false;
      for (const group of info.children.groups) {
        for (let i = 0; i < group.total; i++) {
          const childId = memberJobId(group.id, i);
          if (!children.has(childId)) children.set(childId, queue.subscribe(childId, onChildEvent(childId)));
        }
      }
      const next = {
        total: Math.max(counts.total, info.children.total),
        ended: Math.max(counts.ended, info.children.ended),
      };
      const moved = next.total !== counts.total || next.ended !== counts.ended;
      counts = next;
      return moved;
    };
    const writeCounts = async () => {
      if (done) return;
      if ((await readCounts()) && !done) {
        await stream.writeSSE({ event: "children", data: JSON.stringify(counts) });
      }
    };
    const onChildEvent = (childId: string) => (event: { tenantId: string | null; kind: string }) => {
      if (event.tenantId !== tenantId || event.kind === "deleted") return;
      step(async () => {
        if (done) return;
        const child = await queue.get(tenantId, childId).catch(() => null);
        if (child === null || done) return;
        // Several engine events can read the same state (a completion with its last progress): send it once.
        const seen = `${child.status}\u0000${child.progress}\u0000${child.message ?? ""}`;
        if (lastSeen.get(childId) === seen) return;
        lastSeen.set(childId, seen);
        const moved = isTerminalStatus(child.status) && (await readCounts());
        const data: WireChildEvent = {
          child: { id: child.id, status: child.status, progress: child.progress, message: child.message },
          children: counts,
        };
        if (!done) await stream.writeSSE({ event: "child", data: JSON.stringify(data) });
        if (moved && !done) await stream.writeSSE({ event: "children", data: JSON.stringify(counts) });
      });
    };
    /** The parent's status moved, or it waits: the moments its children can appear or all end. */
    const afterJob = async (job: JobRecord) => {
      const changed = job.status !== lastStatus;
      lastStatus = job.status;
      // Children exist only once the job ran: a parent waits for them as pending, changed since it was
      // created. A fresh job (or a running one with none known) costs no flow read.
      const waiting = job.status === "pending" && job.updatedAt > job.createdAt;
      if (queue.flow && !isTerminalStatus(job.status) && (waiting || (changed && counts.total > 0))) {
        await writeCounts();
      }
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
        if (job) {
          await writeJob(job);
          await afterJob(job);
        } else end();
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
        if (job) {
          await writeJob(job);
          await afterJob(job);
        } else end();
      });
      await finished;
      await chain;
    } finally {
      off();
      for (const unsubscribe of children.values()) unsubscribe();
      clearInterval(heartbeat);
    }
  });
}
