/** Cents to "1,234.56" with a minus sign for money out; integer arithmetic, no float rounding. */
export function formatCents(cents: number, options: { signed?: boolean } = {}): string {
  const negative = cents < 0;
  const abs = Math.abs(cents);
  const whole = Math.floor(abs / 100).toLocaleString("en-US");
  const fraction = String(abs % 100).padStart(2, "0");
  const sign = negative ? "−" : options.signed && cents > 0 ? "+" : "";
  return `${sign}${whole}.${fraction}`;
}

/** 0.8734 → "87 %". */
export function formatConfidence(confidence: number | null): string {
  return confidence === null ? "—" : `${Math.round(confidence * 100)} %`;
}

/** "2026-03-01" → "1 Mar 2026" (dates are calendar days, so no time zone shift). */
export function formatDate(day: string): string {
  const [y, m, d] = day.split("-").map(Number);
  if (!y || !m || !d) return day;
  return new Date(Date.UTC(y, m - 1, d)).toLocaleDateString("en-GB", {
    day: "numeric",
    month: "short",
    year: "numeric",
    timeZone: "UTC",
  });
}

export function formatDateTime(iso: string | null): string {
  if (!iso) return "—";
  const at = new Date(iso);
  return Number.isNaN(at.getTime())
    ? "—"
    : at.toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "medium" });
}
