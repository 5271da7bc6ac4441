export interface ProgressBarProps {
  /** 0–100, or null while the amount is unknown (pending): then `aria-valuenow` is left out. */
  value: number | null;
  label: string;
  tone?: "neutral" | "active" | "success" | "danger" | "muted";
  size?: "regular" | "small";
}

/** An accessible progress bar; the text that goes with it lives outside, in a live region. */
export function ProgressBar({ value, label, tone = "active", size = "regular" }: ProgressBarProps) {
  const clamped = value === null ? null : Math.max(0, Math.min(100, Math.round(value)));
  return (
    <div
      className={`lf-bar lf-bar--${size}`}
      data-tone={tone}
      data-indeterminate={clamped === null ? "" : undefined}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={clamped ?? undefined}
    >
      <div className="lf-bar__fill" style={{ width: `${clamped ?? 0}%` }} />
    </div>
  );
}
