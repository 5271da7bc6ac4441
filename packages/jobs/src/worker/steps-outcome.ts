import { type FlowCapableStore, jobEndedQuietly } from "../flows/groups.js";
import { membershipOf } from "../flows/ids.js";
import type { JobErrorInfo, JobStatus, Json } from "../types.js";
import type { OutcomeContext } from "./record-outcome.js";
import type { JobRun } from "./run.js";
import { recheckChildren, Suspension } from "./steps.js";

export { Suspension };

/**
 * A suspended attempt (ctx.sleep, ctx.waitForChildren): its last progress is written, then the job
 * goes back to pending until `runAt`, the attempt not counted. A parent waiting for children checks
 * them once more after suspending, so a last child that ended in between still wakes it.
 */
export async function suspend(context: OutcomeContext, run: JobRun, suspension: Suspension): Promise<void> {
  const settling = run.settleProgress();
  if (settling !== undefined) await settling;
  const { store, clock } = context.queue;
  const flows = (store as Partial<FlowCapableStore>).flows;
  const held = flows !== undefined && (await flows.suspend(run.lease, suspension.runAt, clock.now()));
  run.ended(held ? "released" : "lease_lost");
  if (held && suspension.waitingForChildren) await recheckChildren(context.queue, run.jobId);
}

/** A job of a group reached a terminal status: count it (only member jobs cost a store call). */
export async function ended(
  context: OutcomeContext,
  run: JobRun,
  status: JobStatus,
  result: Json | null,
  error: JobErrorInfo | null = null,
): Promise<void> {
  if (membershipOf(run.job.idempotencyKey) === null) return;
  await jobEndedQuietly(context.queue, { ...run.job, status, result, error }, context.logger);
}
