import { RetryAfterError } from "../errors.js";
import type { Queue } from "../queue.js";
import type { JobRecord, TaskLogger } from "../types.js";
import { decideFailure } from "./outcome.js";
import type { JobRun } from "./run.js";
import { completeAfterStep, ended, Suspension, suspend, unsettledStepWrite } from "./steps-outcome.js";

export interface OutcomeContext {
  readonly queue: Queue;
  readonly logger: TaskLogger;
  readonly random: () => number;
}

/**
 * Writes a settled attempt's outcome: released (shutdown), completed, or failed/retried. Never
 * rejects: a write the store could not take is logged and the job's lease simply expires, after which
 * it is reclaimed and run again (delivery is at least once). Writes for cancelled or lost attempts are
 * not made at all: the job is no longer ours.
 */
export async function recordOutcome(context: OutcomeContext, run: JobRun): Promise<void> {
  const { store, clock } = context.queue;
  const reason = run.stopReason;
  // The handler's last step write, when it did not wait for it (worker/steps.ts).
  const stepWrite = unsettledStepWrite(run.lease);
  try {
    if (reason === "shutdown") {
      // Kept for the next attempt: the step is stored before the job is given back.
      if (stepWrite !== undefined) await stepWrite;
      await store.release(run.lease, clock.now());
      run.ended("released");
      return;
    }
    if (reason === "cancelled" || reason === "lease_lost") return;
    if (run.succeeded && reason === undefined) {
      // The completion sets progress to 100 and carries the last message: one write, not two rounds.
      const message = run.finishProgress();
      const result = (run.outcome === undefined ? null : run.outcome) as JobRecord["result"];
      const held =
        stepWrite === undefined
          ? await store.complete(run.lease, result, clock.now(), context.queue.retentionMs, message)
          : await completeAfterStep(context, run, stepWrite, result, message);
      if (held === "failed") {
        await fail(context, run);
        return;
      }
      run.ended(held ? "completed" : "lease_lost");
      if (held) await ended(context, run, "complete", result);
      return;
    }
    // A failure or suspension keeps the job's steps: the step is stored before the job leaves running.
    if (stepWrite !== undefined) await stepWrite;
    if (run.outcome instanceof Suspension) {
      await suspend(context, run, run.outcome);
    } else {
      // The last unwritten progress value goes first, so a failed job shows where it stopped.
      const settling = run.settleProgress();
      if (settling !== undefined) await settling;
      await fail(context, run);
    }
  } catch (error) {
    outcomeNotRecorded(context.logger, run.jobId, error);
    // Not recorded: the lease will lapse and the job run again elsewhere.
    run.ended("lease_lost", error);
  }
}

async function fail(context: OutcomeContext, run: JobRun): Promise<void> {
  const { store, clock, retentionMs } = context.queue;
  const now = clock.now();
  const decision = decideFailure(run.job, run.task, run.outcome, now, context.random);
  if (decision.retryAt === undefined) {
    context.logger.warn("Job failed", {
      jobId: run.jobId,
      type: run.job.type,
      error: decision.error.message,
    });
  }
  // A provider's "retry after" slows every job of the bucket, not only this one.
  if (
    run.outcome instanceof RetryAfterError &&
    run.task.rateLimit !== undefined &&
    run.job.rateKey !== null
  ) {
    await store.blockRateKey(run.job.type, run.job.rateKey, now + run.outcome.retryAfterMs);
  }
  const options =
    decision.retryAt === undefined ? { now, retentionMs } : { retryAt: decision.retryAt, now, retentionMs };
  const held = await store.fail(run.lease, decision.error, options);
  run.ended(held ? (decision.retryAt === undefined ? "failed" : "retrying") : "lease_lost", run.outcome);
  if (held && decision.retryAt === undefined) await ended(context, run, "failed", null, decision.error);
}

export function outcomeNotRecorded(logger: TaskLogger, jobId: string, error: unknown): void {
  logger.error("Could not record the job's outcome; its lease will expire and it will be retried", {
    jobId,
    error: String(error),
  });
}
