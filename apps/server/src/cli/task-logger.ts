import type { TaskLogger } from "@ledgerflow/jobs";
import type { Logger } from "pino";

/** The engine's small logger interface on top of pino. */
export function taskLogger(logger: Logger): TaskLogger {
  const jobs = logger.child({ component: "jobs" });
  return {
    info: (message, fields) => jobs.info(fields ?? {}, message),
    warn: (message, fields) => jobs.warn(fields ?? {}, message),
    error: (message, fields) => jobs.error(fields ?? {}, message),
  };
}
