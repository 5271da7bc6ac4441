export { createFakeClock, type FakeClock } from "./fake-clock.js";
export { inlineFlowContext } from "./inline-flow.js";
export { type WaitForJobOptions, waitForJob } from "./wait-for-job.js";
