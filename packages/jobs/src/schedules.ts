import { Cron } from "croner";
import type { Queue } from "./queue.js";
import type { Json, ScheduleRecord, TaskLogger } from "./types.js";
import { every } from "./worker/timer.js";

/** What `queue.schedule(name, options)` takes. */
export interface ScheduleOptions {
  /** The task to enqueue at each fire time (registered in this queue). */
  task: string;
  /** Five fields (minute hour day month weekday), or six with seconds first; read by croner. */
  cron: string;
  /** IANA time zone, e.g. "Europe/Paris". Default UTC. */
  timezone?: string | null;
  /** The input of every job it enqueues. */
  input: Json;
  tenantId: string;
}

/** A schedule as the queue shows it: the stored record and its next fire time. */
export interface ScheduleInfo extends ScheduleRecord {
  /** The next fire time (epoch ms) after now, or null when paused or the cron has no further time. */
  nextFireAt: number | null;
}

const SCHEDULE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.:@/-]{0,199}$/;

function cronOf(expression: string, timezone: string | null): Cron {
  // `paused` keeps croner from starting a timer of its own: it only computes times here.
  return new Cron(expression, { paused: true, ...(timezone ? { timezone } : {}) });
}

/** Checks a schedule before it is stored; throws TypeError naming the field and the value. */
export function validateSchedule(
  name: string,
  options: ScheduleOptions,
  knownTask: (task: string) => boolean,
): Omit<ScheduleRecord, "paused" | "lastFireAt" | "updatedAt" | "createdAt"> {
  if (typeof name !== "string" || !SCHEDULE_NAME.test(name)) {
    throw new TypeError(
      `Schedule name ${JSON.stringify(name)} is not valid: use 1–200 letters, digits and _ . : @ / -, starting with a letter or digit.`,
    );
  }
  if (!knownTask(options.task)) {
    throw new TypeError(
      `Schedule "${name}": task ${JSON.stringify(options.task)} is not registered in this queue.`,
    );
  }
  if (typeof options.tenantId !== "string" || options.tenantId.length === 0) {
    throw new TypeError(`Schedule "${name}": tenantId must be a non-empty string.`);
  }
  const timezone = options.timezone ?? null;
  if (timezone !== null) {
    try {
      new Intl.DateTimeFormat("en-US", { timeZone: timezone });
    } catch {
      throw new TypeError(
        `Schedule "${name}": timezone ${JSON.stringify(timezone)} is not a known IANA time zone (e.g. "Europe/Paris", "America/New_York").`,
      );
    }
  }
  let cron: Cron;
  try {
    cron = cronOf(options.cron, timezone);
  } catch (error) {
    throw new TypeError(
      `Schedule "${name}": cron ${JSON.stringify(options.cron)} is not valid (${(error as Error).message}). ` +
        'Use five fields, minute hour day month weekday, e.g. "0 3 * * *" for 03:00 every day.',
    );
  }
  if (cron.nextRun() === null) {
    throw new TypeError(
      `Schedule "${name}": cron ${JSON.stringify(options.cron)} never fires in the future.`,
    );
  }
  return {
    name,
    task: options.task,
    cron: options.cron,
    timezone,
    input: options.input,
    tenantId: options.tenantId,
  };
}

export function describeSchedule(record: ScheduleRecord, now: number): ScheduleInfo {
  if (record.paused) return { ...record, nextFireAt: null };
  const next = cronOf(record.cron, record.timezone).nextRun(new Date(now));
  return { ...record, nextFireAt: next === null ? null : next.getTime() };
}

/**
 * The fire time a tick at `now` enqueues for, if any: the LATEST fire time ≤ now that is after the
 * last one fired (or after the schedule was created). Fire times missed while no process ran are not
 * caught up one by one: at most the last of them is enqueued (BullMQ's and graphile-worker's policy).
 */
export function dueFireAt(record: ScheduleRecord, now: number): number | null {
  if (record.paused) return null;
  const at = latestFireAt(record, now);
  if (at === null) return null;
  const after = record.lastFireAt ?? record.createdAt;
  return at > after ? at : null;
}

/** The schedule's latest fire time at or before `now` (croner's previousRuns excludes its reference). */
function latestFireAt(record: Pick<ScheduleRecord, "cron" | "timezone">, now: number): number | null {
  const latest = cronOf(record.cron, record.timezone).previousRuns(1, new Date(now + 1))[0];
  return latest === undefined ? null : latest.getTime();
}

/** The idempotency key of a schedule's job for one fire time: what makes it one job per fire. */
export function fireKey(name: string, fireAt: number): string {
  return `schedule:${name}:${new Date(fireAt).toISOString()}`;
}

/**
 * One pass: every due schedule whose task this queue knows gets its job (enqueued under the fire
 * time's idempotency key, so processes racing on one fire create one job), then lastFireAt moves
 * forward (a compare-and-set). A crash between the two re-enqueues the same key: still one job.
 * Returns how many jobs were created.
 */
export async function fireDueSchedules(queue: Queue, logger?: TaskLogger): Promise<number> {
  const now = queue.clock.now();
  let created = 0;
  for (const schedule of await queue.store.listSchedules()) {
    const fireAt = dueFireAt(schedule, now);
    if (fireAt === null || queue.task(schedule.task) === undefined) continue;
    try {
      const result = await queue.enqueue(schedule.task, schedule.input, {
        tenantId: schedule.tenantId,
        idempotencyKey: fireKey(schedule.name, fireAt),
      });
      if (result.created) created += 1;
      await queue.store.advanceSchedule(schedule.name, fireAt, now);
    } catch (error) {
      logger?.error("A scheduled job could not be enqueued; will try again next tick", {
        schedule: schedule.name,
        fireAt: new Date(fireAt).toISOString(),
        error: String(error),
      });
    }
  }
  return created;
}

/** Skips every fire time up to now (on resume: a paused schedule catches nothing up). */
export async function skipMissedFires(queue: Queue, name: string): Promise<void> {
  const now = queue.clock.now();
  const schedule = (await queue.store.listSchedules()).find((s) => s.name === name);
  if (schedule === undefined) return;
  const latest = latestFireAt(schedule, now);
  if (latest !== null) await queue.store.advanceSchedule(name, latest, now);
}

/** Fires due schedules every `intervalMs` on the queue's clock, one pass at a time; returns stop(). */
export function startScheduler(queue: Queue, intervalMs: number, logger?: TaskLogger): () => void {
  let inflight = false;
  return every(queue.clock, intervalMs, () => {
    if (inflight) return;
    inflight = true;
    fireDueSchedules(queue, logger)
      .catch((error: unknown) => {
        logger?.error("Reading the schedules failed; will try again next tick", { error: String(error) });
      })
      .finally(() => {
        inflight = false;
      });
  });
}
