import "./pause-toggle.css";

/** "Active" or "Paused", as a pill. */
export function PausedPill({ paused }: { paused: boolean }) {
  return (
    <span className="status-pill" data-schedule-state={paused ? "paused" : "active"}>
      {paused ? "Paused" : "Active"}
    </span>
  );
}

/**
 * A Pause/Resume button for something named `what`. While it saves it stays focusable
 * (aria-disabled, not disabled, and clicks are ignored by the caller), so a keyboard user keeps focus
 * on it when its label flips.
 */
export function PauseButton(props: { paused: boolean; busy: boolean; what: string; onToggle: () => void }) {
  return (
    <button
      type="button"
      className="button button--small"
      aria-label={`${props.paused ? "Resume" : "Pause"} ${props.what}`}
      aria-disabled={props.busy || undefined}
      onClick={props.onToggle}
    >
      {props.busy ? "Saving…" : props.paused ? "Resume" : "Pause"}
    </button>
  );
}
