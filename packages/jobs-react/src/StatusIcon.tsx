import type { JobPhase } from "./phase.js";

// Inline SVG rather than emoji: renders the same on every system, including fontless CI browsers.
const PATHS: Record<JobPhase, string> = {
  loading: "M12 6v6l4 2",
  pending: "M12 7v5l3 2",
  running: "M12 3a9 9 0 1 1-9 9",
  complete: "M7.5 12.5l3 3 6-6.5",
  failed: "M9 9l6 6M15 9l-6 6",
  cancelled: "M8 12h8",
  unavailable: "M12 8v5M12 16.5v.01",
};

export function StatusIcon({ phase }: { phase: JobPhase }) {
  return (
    <svg className="lf-icon" data-phase={phase} viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
      {phase !== "running" && <circle cx="12" cy="12" r="9" className="lf-icon__ring" />}
      <path d={PATHS[phase]} className="lf-icon__mark" />
    </svg>
  );
}
