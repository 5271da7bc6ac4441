import { type FlowCapableStore, jobEndedQuietly } from "../flows/groups.js";
import { membershipOf } from "../flows/ids.js";
import type { JobErrorInfo, JobStatus, Json } from "../types.js";
import type { OutcomeContext } from "./record-outcome.js";
import type { JobRun } from "./run.js";
import {
  recheckChildren,
  STEP_LEASE_LOST,
  STEP_SAVED,
  type StepWriteOutcome,
  Suspension,
  unsettledStepWrite,
} from "./steps.js";

export { Suspension, unsettledStepWrite };

/**
 * Stores whose writes take effect in the order they are issued, each fenced by the lease: memory
 * (applied when called) and SQLite (one FIFO batcher per store, a turn's writes in one transaction).
 * There a completion issued right behind a step write cannot be stored before it, and a step write
 * refused for the lease means the completion is refused too; so both go out together and, on
 * SQLite, commit in the same transaction. PostgreSQL (a pool of connections) and Redis give no such
 * order between two calls: the completion waits for the step's answer.
 */
const ORDERED_STORES = new Set(["memory", "sqlite"]);

/**
 * Completes a job whose handler returned right after a step it did not wait for. Returns whether
 * the lease held, or "failed" when the step could not be stored and the completion was not issued:
 * the attempt then fails with the store's error (run.outcome), as a waited-for step would have made it.
 */
export async function completeAfterStep(
  context: OutcomeContext,
  run: JobRun,
  stepWrite: Promise<StepWriteOutcome>,
  result: Json,
  message: string | null,
): Promise<boolean | "failed"> {
  const { store, clock, retentionMs } = context.queue;
  if (ORDERED_STORES.has(store.name)) {
    const completing = store.complete(run.lease, result, clock.now(), retentionMs, message);
    const saved = await stepWrite;
    const held = await completing;
    if (held && saved !== STEP_SAVED && saved !== STEP_LEASE_LOST)
      context.logger.warn("The job's last step could not be stored; the job completed without it", {
        jobId: run.jobId,
        error: String(saved.error),
      });
    return held;
  }
  const saved = await stepWrite;
  if (saved === STEP_LEASE_LOST) return false;
  if (saved !== STEP_SAVED) {
    run.succeeded = false;
    run.outcome = saved.error;
    return "failed";
  }
  return store.complete(run.lease, result, clock.now(), retentionMs, message);
}

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
