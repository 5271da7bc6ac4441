import { describe, expect, it } from "vitest";
import { JobsError } from "../src/errors.js";
import { canTransition, JOB_TRANSITION_EVENTS, type JobTransitionEvent, transition } from "../src/state.js";
import { JOB_STATUSES, type JobStatus } from "../src/types.js";

/** Every legal move; everything not listed must throw. */
const LEGAL: Array<[JobStatus, JobTransitionEvent, JobStatus]> = [
  ["pending", "claim", "running"],
  ["pending", "cancel", "cancelled"],
  ["running", "complete", "complete"],
  ["running", "fail", "failed"],
  ["running", "retry_scheduled", "pending"],
  ["running", "lease_expired", "failed"],
  ["running", "cancel", "cancelled"],
  ["running", "release", "pending"],
  ["failed", "manual_retry", "pending"],
  ["cancelled", "manual_retry", "pending"],
];

describe("transition", () => {
  it.each(LEGAL)("%s --%s--> %s", (from, event, to) => {
    expect(transition(from, event)).toBe(to);
    expect(canTransition(from, event)).toBe(true);
  });

  const illegal = JOB_STATUSES.flatMap((from) =>
    JOB_TRANSITION_EVENTS.filter((event) => !LEGAL.some(([f, e]) => f === from && e === event)).map(
      (event) => [from, event] as const,
    ),
  );

  it.each(illegal)("a %s job cannot take %s: JobsError illegal_transition", (from, event) => {
    expect(canTransition(from, event)).toBe(false);
    let thrown: unknown;
    try {
      transition(from, event);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(JobsError);
    expect((thrown as JobsError).code).toBe("illegal_transition");
    expect((thrown as JobsError).message).toContain(from);
  });

  it("a complete job is final: nothing moves it", () => {
    for (const event of JOB_TRANSITION_EVENTS) expect(canTransition("complete", event)).toBe(false);
  });

  it("says what is allowed when a cancel or retry is refused", () => {
    expect(() => transition("complete", "cancel")).toThrow("Only pending or running jobs can be cancelled.");
    expect(() => transition("running", "manual_retry")).toThrow(
      "Only failed or cancelled jobs can be retried.",
    );
  });
});
