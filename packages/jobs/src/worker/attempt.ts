import { validateInput } from "../task.js";
import type { TaskContext } from "../types.js";
import type { JobRun } from "./run.js";

/** Receives an attempt's result once its handler returned (ok) or threw (not ok). */
export type Settle = (run: JobRun, ok: boolean, value: unknown) => void;

/**
 * Runs one attempt: validates the stored input against the task's schema, calls the handler with the
 * run as its context, and hands the result to `settle`. A synchronous schema and handler settle in the
 * same turn, without a microtask hop per job; an attempt stopped from outside while validating (settled
 * already) never calls its handler.
 */
export async function runAttempt(run: JobRun, settle: Settle): Promise<void> {
  let ok = false;
  let value: unknown;
  try {
    const input = validateInput(run.task, run.job.input);
    run.input = input instanceof Promise ? await input : input;
    if (!run.settled) {
      value = run.task.handler(run as unknown as TaskContext<never>);
      if (isThenable(value)) value = await value;
      ok = true;
    }
  } catch (error) {
    value = error;
  }
  settle(run, ok, value);
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === "object" && value !== null && typeof (value as { then?: unknown }).then === "function"
  );
}
