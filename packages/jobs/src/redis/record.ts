import type { JobErrorInfo, JobRecord, JobStatus, Json, ScheduleRecord } from "../types.js";

/** A job hash as HGETALL returns it over the wire: a flat [field, value, field, value, …] list. */
export type FlatRecord = string[];

function fields(flat: FlatRecord): Map<string, string> {
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < flat.length; i += 2) map.set(flat[i]!, flat[i + 1]!);
  return map;
}

/** Reads a job hash; an absent field is null (the scripts HDEL what becomes null). */
export function toJob(flat: FlatRecord): JobRecord {
  const f = fields(flat);
  const text = (name: string): string | null => f.get(name) ?? null;
  const num = (name: string): number | null => {
    const value = f.get(name);
    return value === undefined ? null : Number(value);
  };
  const json = <T>(name: string): T | null => {
    const value = f.get(name);
    return value === undefined ? null : (JSON.parse(value) as T);
  };
  return {
    id: text("id")!,
    tenantId: text("tenantId")!,
    type: text("type")!,
    status: text("status") as JobStatus,
    progress: num("progress") ?? 0,
    message: text("message"),
    input: json<Json>("input"),
    result: json<Json>("result"),
    error: json<JobErrorInfo>("error"),
    attempts: num("attempts") ?? 0,
    maxAttempts: num("maxAttempts") ?? 1,
    runAt: num("runAt") ?? 0,
    leaseOwner: text("leaseOwner"),
    leaseExpiresAt: num("leaseExpiresAt"),
    idempotencyKey: text("idempotencyKey"),
    dedupeKey: text("dedupeKey"),
    createdAt: num("createdAt") ?? 0,
    updatedAt: num("updatedAt") ?? 0,
    startedAt: num("startedAt"),
    finishedAt: num("finishedAt"),
    expiresAt: num("expiresAt"),
    // Absent on jobs written before layout 2 (see layout.ts): priority 0, no keys.
    priority: num("priority") ?? 0,
    concurrencyKey: text("concurrencyKey"),
    rateKey: text("rateKey"),
    traceContext: text("traceContext"),
  };
}

/** Reads a schedule hash (see scripts/schedules.lua). */
export function toSchedule(flat: FlatRecord): ScheduleRecord {
  const f = fields(flat);
  const lastFireAt = f.get("lastFireAt");
  return {
    name: f.get("name")!,
    task: f.get("task")!,
    cron: f.get("cron")!,
    timezone: f.get("timezone") ?? null,
    input: JSON.parse(f.get("input") ?? "null") as Json,
    tenantId: f.get("tenantId")!,
    paused: f.get("paused") === "1",
    lastFireAt: lastFireAt === undefined ? null : Number(lastFireAt),
    createdAt: Number(f.get("createdAt")),
    updatedAt: Number(f.get("updatedAt")),
  };
}
