/** Words for a schedule: what its cron means, when it fires next (in its own time zone), how soon. */

const pad = (n: number) => String(n).padStart(2, "0");
const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

/**
 * "Every day at 03:00" for the shapes the app creates (minute hour, daily or one weekday); any other
 * cron is shown as it is written, since a wrong paraphrase is worse than none.
 */
export function describeCron(cron: string): string | null {
  const fields = cron.trim().split(/\s+/);
  if (fields.length !== 5) return null;
  const [minute, hour, day, month, weekday] = fields as [string, string, string, string, string];
  if (!/^\d{1,2}$/.test(minute) || !/^\d{1,2}$/.test(hour) || day !== "*" || month !== "*") return null;
  const at = `${pad(Number(hour))}:${pad(Number(minute))}`;
  if (weekday === "*") return `Every day at ${at}`;
  if (/^[0-7]$/.test(weekday)) return `Every ${WEEKDAYS[Number(weekday) % 7]} at ${at}`;
  return null;
}

/** "Wed 3 Dec, 03:00 CET" in the schedule's time zone, named, since two rows may be in two zones. */
export function formatFireTime(iso: string, timeZone: string): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return "—";
  return at.toLocaleString("en-GB", {
    timeZone,
    weekday: "short",
    day: "numeric",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
    timeZoneName: "short",
  });
}

/** "in 9 h 12 min", "in 3 min", "2 days ago": how far `iso` is from `now`, to the minute. */
export function relativeTime(iso: string, now: number): string {
  const ms = Date.parse(iso) - now;
  if (Number.isNaN(ms)) return "";
  const minutes = Math.round(Math.abs(ms) / 60_000);
  const words =
    minutes < 1
      ? "less than a minute"
      : minutes < 60
        ? `${minutes} min`
        : minutes < 48 * 60
          ? `${Math.floor(minutes / 60)} h${minutes % 60 ? ` ${minutes % 60} min` : ""}`
          : `${Math.round(minutes / 1440)} days`;
  return ms >= 0 ? `in ${words}` : `${words} ago`;
}
