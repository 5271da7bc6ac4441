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
}

const path = (name: string, action: "pause" | "resume") =>
  `/api/schedules/${encodeURIComponent(name)}/${action}`;

export const schedulesApi = {
  list: () => apiJson<{ schedules: Schedule[] }>("/api/schedules").then((r) => r.schedules),
  setPaused: (name: string, paused: boolean) =>
    apiJson<Schedule>(path(name, paused ? "pause" : "resume"), { method: "POST" }),
};
