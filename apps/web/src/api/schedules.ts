import { apiJson } from "./http.js";

/** A cron schedule of the tenant's (apps/server/src/schemas/schedules.ts); times are ISO 8601. */
export interface Schedule {
  name: string;
  task: string;
  cron: string;
  /** IANA time zone the cron is read in. */
  timezone: string;
  input: unknown;
  paused: boolean;
  last_fire_at: string | null;
  /** Null while paused. */
  next_fire_at: string | null;
  created_at: string;
  updated_at: string;
  /** Set in the operator's list of every tenant's schedules. */
  tenant_id?: string;
}

/** The signed-in tenant's schedules, or (operators) every tenant's through /api/admin. */
export type ScheduleScope = "tenant" | "all";

const base = (scope: ScheduleScope) => (scope === "all" ? "/api/admin/schedules" : "/api/schedules");
const path = (scope: ScheduleScope, name: string, action: "pause" | "resume") =>
  `${base(scope)}/${encodeURIComponent(name)}/${action}`;

export const schedulesApi = {
  list: (scope: ScheduleScope = "tenant") =>
    apiJson<{ schedules: Schedule[] }>(base(scope)).then((r) => r.schedules),
  setPaused: (name: string, paused: boolean, scope: ScheduleScope = "tenant") =>
    apiJson<Schedule>(path(scope, name, paused ? "pause" : "resume"), { method: "POST" }),
};
