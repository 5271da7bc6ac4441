export { type App, type AppOptions, createApp } from "./app.js";
export { type Config, ConfigError, loadConfig } from "./config.js";
export type { AppEnv, AppVariables } from "./context.js";
export { ApiError, onAppError } from "./errors.js";
export { createLogger } from "./logger.js";
export { type AppMetrics, createAppMetrics } from "./metrics/app-metrics.js";
export {
  type Authenticate,
  bearerAuth,
  type CachedAuthenticate,
  cachedAuthenticate,
  type Principal,
} from "./middleware/auth.js";
export { openRuntime, type Runtime } from "./runtime/open.js";
