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

/**
 * A claimed job as claim.lua answers it: the values only the job hash has, in this order (id, tenantId,
 * type, message, input, error, maxAttempts, runAt, createdAt, idempotencyKey, dedupeKey, priority,
 * concurrencyKey, rateKey, traceContext, attempts), null for an absent field. The rest is what the
 * claim itself wrote (running under the caller's lease, started now, progress 0; a pending job has no
 * result nor finish times): about a third of the strings HGETALL sent, which Redis spent more time
 * turning into a reply than on the claim's writes.
 */
export type ClaimedRow = (string | number | null)[];

export function toClaimed(row: ClaimedRow, workerId: string, now: number, leaseExpiresAt: number): JobRecord {
  const text = (i: number): string | null => (row[i] === null ? null : String(row[i]));
  const num = (i: number, fallback: number): number => (row[i] === null ? fallback : Number(row[i]));
  const json = <T>(i: number): T | null => (row[i] === null ? null : (JSON.parse(String(row[i])) as T));
  return {
    id: String(row[0]),
    tenantId: String(row[1]),
    type: String(row[2]),
    status: "running",
    progress: 0,
    message: text(3),
    input: json<Json>(4),
    result: null,
    error: json<JobErrorInfo>(5),
    attempts: num(15, 1),
    maxAttempts: num(6, 1),
    runAt: num(7, 0),
    leaseOwner: workerId,
    leaseExpiresAt,
    idempotencyKey: text(9),
    dedupeKey: text(10),
    createdAt: num(8, 0),
    updatedAt: now,
    startedAt: now,
    finishedAt: null,
    expiresAt: null,
    priority: num(11, 0),
    concurrencyKey: text(12),
    rateKey: text(13),
    traceContext: text(14),
  };
}
