import type Database from "better-sqlite3";
import type { Json, ScheduleRecord } from "../types.js";
import type { TableNames } from "./schema.js";

type Db = Database.Database;

type ScheduleRow = [
  name: string,
  task: string,
  cron: string,
  timezone: string | null,
  input: string,
  tenantId: string,
  paused: number,
  lastFireAt: number | null,
  createdAt: number,
  updatedAt: number,
];

const COLUMNS = "name, task, cron, timezone, input, tenant_id, paused, last_fire_at, created_at, updated_at";

function toRecord(row: ScheduleRow): ScheduleRecord {
  const [name, task, cron, timezone, input, tenantId, paused, lastFireAt, createdAt, updatedAt] = row;
  return {
    name,
    task,
    cron,
    timezone,
    input: JSON.parse(input) as Json,
    tenantId,
    paused: paused !== 0,
    lastFireAt,
    createdAt,
    updatedAt,
  };
}

/**
 * The schedules table: one row per name, shared by every process on the file. Writes run in the
 * batch transaction like the jobs' (so `advanceSchedule` is a compare-and-set: SQLite's one writer
 * runs the racing UPDATEs one after another and only the first finds lastFireAt behind fireAt).
 */
export class ScheduleTable {
  private readonly sql;

  constructor(db: Db, { schedules }: TableNames) {
    const raw = <P extends unknown[]>(sql: string) => db.prepare<P, ScheduleRow>(sql).raw(true);
    this.sql = {
      /** save(name, task, cron, timezone, input, tenantId, createdAt, now) → the stored row. */
      save: raw<[string, string, string, string | null, string, string, number, number]>(
        `INSERT INTO ${schedules} (name, task, cron, timezone, input, tenant_id, paused, last_fire_at,
           created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, 0, NULL, ?, ?)
         ON CONFLICT (name) DO UPDATE SET task = excluded.task, cron = excluded.cron,
           timezone = excluded.timezone, input = excluded.input, tenant_id = excluded.tenant_id,
           updated_at = excluded.updated_at
         RETURNING ${COLUMNS}`,
      ),
      remove: db.prepare<[string]>(`DELETE FROM ${schedules} WHERE name = ?`),
      list: raw<[]>(`SELECT ${COLUMNS} FROM ${schedules} ORDER BY name`),
      /** setPaused(paused 0/1, now, name) → the row, or none if unknown. */
      setPaused: raw<[number, number, string]>(
        `UPDATE ${schedules} SET paused = ?, updated_at = ? WHERE name = ? RETURNING ${COLUMNS}`,
      ),
      /** advance(fireAt, now, name, fireAt) → changes 1 for the caller that moved lastFireAt forward. */
      advance: db.prepare<[number, number, string, number]>(
        `UPDATE ${schedules} SET last_fire_at = ?, updated_at = ?
         WHERE name = ? AND (last_fire_at IS NULL OR last_fire_at < ?)`,
      ),
    };
  }

  save(schedule: Omit<ScheduleRecord, "paused" | "lastFireAt" | "updatedAt">, now: number): ScheduleRecord {
    const { name, task, cron, timezone, input, tenantId, createdAt } = schedule;
    const row = this.sql.save.get(
      name,
      task,
      cron,
      timezone ?? null,
      JSON.stringify(input ?? null),
      tenantId,
      createdAt,
      now,
    );
    return toRecord(row as ScheduleRow);
  }

  delete(name: string): boolean {
    return this.sql.remove.run(name).changes === 1;
  }

  list(): ScheduleRecord[] {
    return this.sql.list.all().map(toRecord);
  }

  setPaused(name: string, paused: boolean, now: number): ScheduleRecord | null {
    const row = this.sql.setPaused.get(paused ? 1 : 0, now, name);
    return row === undefined ? null : toRecord(row);
  }

  advance(name: string, fireAt: number, now: number): boolean {
    return this.sql.advance.run(fireAt, now, name, fireAt).changes === 1;
  }
}
