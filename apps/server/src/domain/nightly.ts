import type { BooksDb } from "@ledgerflow/books";
import type { Queue, ScheduleInfo } from "@ledgerflow/jobs";
import { CATEGORIZE_TASK } from "../routes/job-commands.js";

/**
 * Every company has a nightly schedule, `nightly:company-<id>`: at NIGHTLY_CRON (03:00 by default) in
 * the company's time zone it enqueues categorize_transactions for whatever is still uncategorized —
 * rows imported while the LLM was down or rate-limited, or before a rule that now matches them. The
 * task rebuilds the history model from the day's bookings at its start, so the run also uses what the
 * bookkeeper taught it that day. It is the same task as the Categorize button, so it shares the
 * company's dedupe key and concurrency slot: a fire while a categorize runs returns that job.
 */

export const NIGHTLY_PREFIX = "nightly:company-";
export const nightlyScheduleName = (companyId: string) => `${NIGHTLY_PREFIX}${companyId}`;
/** A nightly run takes on everything new, up to the task's own maximum per job. */
export const NIGHTLY_LIMIT = 50_000;

export interface NightlySettings {
  cron: string;
  /** Used for companies created without a time zone of their own. */
  timezone: string;
}

/** The defaults of NIGHTLY_CRON and NIGHTLY_TIMEZONE. */
export const DEFAULT_NIGHTLY: NightlySettings = { cron: "0 3 * * *", timezone: "UTC" };

/** Creates (or updates) the company's nightly schedule; a paused one stays paused. */
export function scheduleNightly(
  queue: Queue,
  /** `timezone` undefined: the default of the settings; null: UTC. */
  company: { tenantId: string; companyId: string; timezone?: string | null | undefined },
  settings: NightlySettings,
): Promise<ScheduleInfo> {
  return queue.schedule(nightlyScheduleName(company.companyId), {
    task: CATEGORIZE_TASK,
    cron: settings.cron,
    timezone: company.timezone === undefined ? settings.timezone : company.timezone,
    input: { company_id: company.companyId, limit: NIGHTLY_LIMIT },
    tenantId: company.tenantId,
  });
}

export interface ReconcileOutcome {
  created: number;
  updated: number;
  removed: number;
}

/**
 * At start: every company gets its nightly schedule if it has none (companies made before schedules
 * existed, or whose creation could not reach the job store), a schedule whose cron differs from
 * NIGHTLY_CRON gets the new one (keeping its time zone and paused state), and the nightly schedule of
 * a company that no longer exists is removed. Safe with several processes starting at once: saving a
 * schedule is an upsert by name. Throws the engine's TypeError for an invalid NIGHTLY_CRON.
 */
export async function reconcileNightlySchedules(
  db: BooksDb,
  queue: Queue,
  settings: NightlySettings,
): Promise<ReconcileOutcome> {
  const companies = await db.selectFrom("companies").select(["id", "tenant_id"]).execute();
  const existing = new Map(
    (await queue.schedules()).filter((s) => s.name.startsWith(NIGHTLY_PREFIX)).map((s) => [s.name, s]),
  );
  const outcome: ReconcileOutcome = { created: 0, updated: 0, removed: 0 };
  for (const company of companies) {
    const name = nightlyScheduleName(company.id);
    const current = existing.get(name);
    existing.delete(name);
    if (current && current.cron === settings.cron && current.task === CATEGORIZE_TASK) continue;
    await scheduleNightly(
      queue,
      {
        tenantId: company.tenant_id,
        companyId: company.id,
        timezone: current ? current.timezone : undefined,
      },
      settings,
    );
    if (current) outcome.updated += 1;
    else outcome.created += 1;
  }
  for (const orphan of existing.keys()) if (await queue.unschedule(orphan)) outcome.removed += 1;
  return outcome;
}
