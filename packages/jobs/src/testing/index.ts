export { createFakeClock, type FakeClock } from "./fake-clock.js";
export { type WaitForJobOptions, waitForJob } from "./wait-for-job.js";
