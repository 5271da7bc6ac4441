import { JobsError } from "./errors.js";
import type { JobStatus } from "./types.js";

/**
 * What can happen to a job. `retry_scheduled` is a failed attempt with attempts left (also used when a
 * lease expired and the job will run again); `lease_expired` is a lost lease after the last attempt.
 */
export const JOB_TRANSITION_EVENTS = [
  "claim",
  "complete",
  "fail",
  "retry_scheduled",
  "lease_expired",
  "cancel",
  "release",
  "manual_retry",
] as const;
export type JobTransitionEvent = (typeof JOB_TRANSITION_EVENTS)[number];

const TRANSITIONS: Record<JobStatus, Partial<Record<JobTransitionEvent, JobStatus>>> = {
  pending: { claim: "running", cancel: "cancelled" },
  running: {
    complete: "complete",
    fail: "failed",
    retry_scheduled: "pending",
    lease_expired: "failed",
    cancel: "cancelled",
    release: "pending",
  },
  complete: {},
  failed: { manual_retry: "pending" },
  cancelled: { manual_retry: "pending" },
};

const ADVICE: Partial<Record<JobTransitionEvent, string>> = {
  cancel: "Only pending or running jobs can be cancelled.",
  manual_retry: "Only failed or cancelled jobs can be retried.",
};

/** The status after `event`, or throws JobsError("illegal_transition"). Pure: every store obeys it. */
export function transition(status: JobStatus, event: JobTransitionEvent): JobStatus {
  const next = TRANSITIONS[status][event];
  if (next === undefined) {
    const advice = ADVICE[event] ?? "";
    throw new JobsError("illegal_transition", `A ${status} job cannot take "${event}". ${advice}`.trim());
  }
  return next;
}

export function canTransition(status: JobStatus, event: JobTransitionEvent): boolean {
  return TRANSITIONS[status][event] !== undefined;
}
