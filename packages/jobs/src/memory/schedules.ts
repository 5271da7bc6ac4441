import type { JobStore, ScheduleRecord } from "../types.js";

type SaveInput = Parameters<JobStore["saveSchedule"]>[0];

const copy = (s: ScheduleRecord): ScheduleRecord => ({ ...s });

/** The memory store's schedules, by name. */
export class MemorySchedules {
  private readonly byName = new Map<string, ScheduleRecord>();

  save(input: SaveInput, now: number): ScheduleRecord {
    const existing = this.byName.get(input.name);
    const record: ScheduleRecord = {
      name: input.name,
      task: input.task,
      cron: input.cron,
      timezone: input.timezone,
      input: input.input,
      tenantId: input.tenantId,
      paused: existing?.paused ?? false,
      lastFireAt: existing?.lastFireAt ?? null,
      createdAt: existing?.createdAt ?? input.createdAt,
      updatedAt: now,
    };
    this.byName.set(record.name, record);
    return copy(record);
  }

  delete(name: string): boolean {
    return this.byName.delete(name);
  }

  list(): ScheduleRecord[] {
    return [...this.byName.values()]
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map(copy);
  }

  setPaused(name: string, paused: boolean, now: number): ScheduleRecord | null {
    const record = this.byName.get(name);
    if (record === undefined) return null;
    record.paused = paused;
    record.updatedAt = now;
    return copy(record);
  }

  advance(name: string, fireAt: number, now: number): boolean {
    const record = this.byName.get(name);
    if (record === undefined || (record.lastFireAt !== null && record.lastFireAt >= fireAt)) return false;
    record.lastFireAt = fireAt;
    record.updatedAt = now;
    return true;
  }
}
