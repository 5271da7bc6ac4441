import { useState } from "react";
import { type Schedule, type ScheduleScope, schedulesApi } from "../../api/schedules.js";
import { useCompany } from "../../app/company.js";
import { useResource } from "../../app/use-resource.js";
import { useVisibleInterval } from "../../app/use-visible-interval.js";
import { PauseButton, PausedPill } from "../../components/PauseToggle.js";
import { TableHead } from "../../components/TableHead.js";
import { describeCron, formatFireTime, relativeTime } from "./schedule-format.js";
import "./schedules.css";

// Often enough that "in 5 min" stays true and a fire shows up as the last run soon after.
const REFRESH_MS = 30_000;
const COLUMNS = [
  { label: "Schedule" },
  { label: "When" },
  { label: "Next run" },
  { label: "Last run" },
  { label: "State" },
  { label: "Action" },
];

const companyIdOf = (schedule: Schedule): string | null => {
  const input = schedule.input;
  return input !== null && typeof input === "object" && "company_id" in input
    ? String((input as { company_id: unknown }).company_id)
    : null;
};

/**
 * The tenant's cron schedules (each company's nightly categorize), each with a Pause/Resume button;
 * with scope "all" (the operator view), every tenant's, each labelled with its tenant.
 */
export function SchedulesSection({ scope = "tenant" }: { scope?: ScheduleScope }) {
  const list = useResource(`schedules:${scope}`, () => schedulesApi.list(scope));
  const { companies } = useCompany();
  const [changed, setChanged] = useState<Record<string, Schedule>>({});
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [announcement, setAnnouncement] = useState("");
  useVisibleInterval(list.reload, REFRESH_MS);

  // A pause or resume shows at once; a later read (a fire since) wins by its updated_at.
  const schedules = (list.data ?? []).map((s) => {
    const mine = changed[s.name];
    return mine && mine.updated_at >= s.updated_at ? mine : s;
  });
  const title = (schedule: Schedule) => {
    const companyId = companyIdOf(schedule);
    const company = companies.find((c) => c.id === companyId);
    const what = schedule.task === "categorize_transactions" ? "Categorize what is new" : schedule.task;
    const named = company ? `${what} — ${company.name}` : what;
    return scope === "all" && schedule.tenant_id ? `${named} (tenant ${schedule.tenant_id})` : named;
  };

  const toggle = async (schedule: Schedule) => {
    // The button keeps focus while busy (aria-disabled, not disabled), so a keyboard user is not lost.
    if (busy) return;
    setBusy(schedule.name);
    setError(null);
    try {
      const saved = await schedulesApi.setPaused(schedule.name, !schedule.paused, scope);
      setChanged((c) => ({ ...c, [saved.name]: saved }));
      setAnnouncement(`${title(saved)}: ${saved.paused ? "paused" : "resumed"}.`);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(null);
    }
  };

  const now = Date.now();
  return (
    <section className="schedules" aria-labelledby="schedules-title">
      <h2 id="schedules-title">Schedules</h2>
      <p className="muted small schedules__intro">
        Recurring jobs. Every night each company categorizes what is still new. A paused schedule runs nothing
        until it is resumed, and does not catch up the runs it skipped.
      </p>
      {(error ?? list.error) && (
        <div className="banner banner--error" role="alert">
          {error ?? list.error?.message}
        </div>
      )}
      <div className="card card--flush">
        <table className="data-table schedules__table">
          <caption className="visually-hidden">Schedules</caption>
          <TableHead columns={COLUMNS} />
          <tbody>
            {schedules.length === 0 && (
              <tr>
                <td colSpan={COLUMNS.length} className="empty">
                  {list.loading ? "Loading schedules…" : "No schedules."}
                </td>
              </tr>
            )}
            {schedules.map((s) => (
              <tr key={s.name} data-paused={s.paused || undefined}>
                <td>
                  <div className="cell-main">{title(s)}</div>
                  <div className="cell-sub mono">{s.name}</div>
                </td>
                <td>
                  <div className="cell-main">{describeCron(s.cron) ?? <code>{s.cron}</code>}</div>
                  <div className="cell-sub">
                    {describeCron(s.cron) && (
                      <>
                        <code>{s.cron}</code> ·{" "}
                      </>
                    )}
                    {s.timezone}
                  </div>
                </td>
                <FireTimeCell
                  iso={s.next_fire_at}
                  timeZone={s.timezone}
                  now={now}
                  none={s.paused ? "None while paused" : "—"}
                />
                <FireTimeCell iso={s.last_fire_at} timeZone={s.timezone} now={now} none="Never" />
                <td>
                  <PausedPill paused={s.paused} />
                </td>
                <td>
                  <PauseButton
                    paused={s.paused}
                    busy={busy === s.name}
                    what={title(s)}
                    onToggle={() => void toggle(s)}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="visually-hidden" role="status" aria-live="polite">
        {announcement}
      </p>
    </section>
  );
}

/** A fire time in the schedule's zone with how far it is from now, or `none` when there is none. */
function FireTimeCell(props: { iso: string | null; timeZone: string; now: number; none: string }) {
  return (
    <td className="nowrap">
      {props.iso ? (
        <>
          <div className="cell-main">
            <time dateTime={props.iso}>{formatFireTime(props.iso, props.timeZone)}</time>
          </div>
          <div className="cell-sub">{relativeTime(props.iso, props.now)}</div>
        </>
      ) : (
        <span className="muted">{props.none}</span>
      )}
    </td>
  );
}
