import { JobsError } from "../errors.js";
import type { TaskContext } from "../types.js";

type FlowMethods = Pick<TaskContext<unknown>, "step" | "sleep" | "waitUntil" | "spawn" | "waitForChildren">;

/**
 * The flow methods for a context built by hand, to call a handler directly in a unit test: `step`
 * runs its fn (nothing stored), `sleep` and `waitUntil` return at once, `spawn` and
 * `waitForChildren` throw (run such a handler on a worker instead).
 */
export function inlineFlowContext(): FlowMethods {
  const refuse = (call: string) =>
    new JobsError("conflict", `${call} needs a worker: run the job with createWorker in this test.`);
  return {
    step: async (_name, fn) => await fn(),
    sleep: async () => {},
    waitUntil: async () => {},
    spawn: async () => {
      throw refuse("ctx.spawn");
    },
    waitForChildren: async () => {
      throw refuse("ctx.waitForChildren");
    },
  };
}
