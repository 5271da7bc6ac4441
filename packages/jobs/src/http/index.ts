export { describeZodError, errorBody, jobErrorHandler, validationHook } from "./errors.js";
export { SSE_HEARTBEAT_MS, streamJobEvents } from "./events.js";
export type { JobRoutesQueue } from "./queue-port.js";
export { createJobRoutes, type JobRoutesOptions } from "./routes.js";
export {
  type ErrorBody,
  ErrorBodySchema,
  JobIdParamsSchema,
  type JobList,
  JobListQuerySchema,
  JobListSchema,
  JobStatusSchema,
  StatusCountsSchema,
  WireJobSchema,
} from "./schemas.js";
export { createJobStatusJson } from "./status-json.js";
