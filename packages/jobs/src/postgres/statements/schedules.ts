import type { Json, ScheduleRecord } from "../../types.js";
import type { SchemaNames, Statement } from "./names.js";

/*
 * Rate-bucket blocks and cron schedules (tables of migration 000002). None of these publishes events.
 */

const SCHEDULE_COLUMNS =
  "name, task, cron, timezone, input, tenant_id, paused, last_fire_at, created_at, updated_at";

/**
 * blockRateKey — $1 type, $2 key, $3 until: the bucket is blocked until then, or until a later block
 * already there (GREATEST). The bucket's start log is left as it is.
 */
export function blockRateKeyStatement(n: SchemaNames): Statement {
  return {
    name: `${n.prefix}block_rate_key`,
    text: `INSERT INTO ${n.quoted}.rate_buckets AS b (type, key, blocked_until) VALUES ($1, $2, $3)
      ON CONFLICT (type, key) DO UPDATE
      SET blocked_until = GREATEST(b.blocked_until, EXCLUDED.blocked_until)`,
  };
}

/**
 * saveSchedule — $1 name, $2 task, $3 cron, $4 timezone, $5 input JSON, $6 tenant, $7 created at,
 * $8 now: inserts, or replaces the definition of the one with that name, keeping its paused,
 * last_fire_at and created_at (one statement: two processes saving at once cannot both insert).
 */
export function saveScheduleStatement(n: SchemaNames): Statement {
  return {
    name: `${n.prefix}save_schedule`,
    text: `INSERT INTO ${n.quoted}.schedules (name, task, cron, timezone, input, tenant_id, created_at, updated_at)
      VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8)
      ON CONFLICT (name) DO UPDATE
      SET task = EXCLUDED.task, cron = EXCLUDED.cron, timezone = EXCLUDED.timezone, input = EXCLUDED.input,
        tenant_id = EXCLUDED.tenant_id, updated_at = EXCLUDED.updated_at
      RETURNING ${SCHEDULE_COLUMNS}`,
  };
}

/** deleteSchedule — $1 name. */
export function deleteScheduleStatement(n: SchemaNames): Statement {
  return {
    name: `${n.prefix}delete_schedule`,
    text: `DELETE FROM ${n.quoted}.schedules WHERE name = $1`,
  };
}

/** listSchedules — every schedule, by name in byte order (the column's collation is "C"). */
export function listSchedulesStatement(n: SchemaNames): Statement {
  return {
    name: `${n.prefix}list_schedules`,
    text: `SELECT ${SCHEDULE_COLUMNS} FROM ${n.quoted}.schedules ORDER BY name`,
  };
}

/** setSchedulePaused — $1 name, $2 paused, $3 now. */
export function pauseScheduleStatement(n: SchemaNames): Statement {
  return {
    name: `${n.prefix}pause_schedule`,
    text: `UPDATE ${n.quoted}.schedules SET paused = $2, updated_at = $3 WHERE name = $1
      RETURNING ${SCHEDULE_COLUMNS}`,
  };
}

/**
 * advanceSchedule — $1 name, $2 fire at, $3 now: a compare-and-set in one UPDATE. Racing callers
 * queue on the row lock; each re-checks the condition against the row the previous one committed
 * (READ COMMITTED re-evaluates the WHERE of an UPDATE on the newest version), so exactly one of them
 * moves last_fire_at to a given fire time and the others change nothing (0 rows).
 */
export function advanceScheduleStatement(n: SchemaNames): Statement {
  return {
    name: `${n.prefix}advance_schedule`,
    text: `UPDATE ${n.quoted}.schedules SET last_fire_at = $2, updated_at = $3
      WHERE name = $1 AND (last_fire_at IS NULL OR last_fire_at < $2)`,
  };
}

/** A schedules row as pg returns it (bigint columns as strings). */
export interface ScheduleRow {
  name: string;
  task: string;
  cron: string;
  timezone: string | null;
  input: Json;
  tenant_id: string;
  paused: boolean;
  last_fire_at: string | null;
  created_at: string;
  updated_at: string;
}

export function toSchedule(row: ScheduleRow): ScheduleRecord {
  return {
    name: row.name,
    task: row.task,
    cron: row.cron,
    timezone: row.timezone,
    input: row.input,
    tenantId: row.tenant_id,
    paused: row.paused,
    lastFireAt: row.last_fire_at === null ? null : Number(row.last_fire_at),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}
