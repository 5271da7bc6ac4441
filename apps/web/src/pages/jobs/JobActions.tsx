import type { WireJob } from "@ledgerflow/jobs-react";
import { useState } from "react";
import { api } from "../../api/endpoints.js";
import { ConfirmDialog } from "../../components/ConfirmDialog.js";

type Action = "cancel" | "retry" | "delete";

const COPY: Record<Action, { button: string; title: string; body: string; tone: "danger" | "primary" }> = {
  cancel: {
    button: "Cancel job",
    title: "Cancel this job?",
    body: "A running job stops at its next step; work it already committed stays. You can retry it later.",
    tone: "danger",
  },
  retry: {
    button: "Retry",
    title: "Run this job again?",
    body: "It goes back to the queue with a fresh set of attempts and the same input.",
    tone: "primary",
  },
  delete: {
    button: "Delete",
    title: "Delete this job?",
    body: "The job record, its result and its error are removed for good. The data it imported stays.",
    tone: "danger",
  },
};

/** Cancel, retry and delete, each behind a confirmation. */
export function JobActions({ job, onDone }: { job: WireJob; onDone: (action: Action) => void }) {
  const [asking, setAsking] = useState<Action | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const available: Action[] = [];
  if (job.status === "pending" || job.status === "running") available.push("cancel");
  if (job.status === "failed" || job.status === "cancelled") available.push("retry");
  if (job.status !== "running") available.push("delete");

  const run = async (action: Action) => {
    setBusy(true);
    setError(null);
    try {
      if (action === "cancel") await api.cancelJob(job.id);
      else if (action === "retry") await api.retryJob(job.id);
      else await api.deleteJob(job.id);
      setAsking(null);
      onDone(action);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="actions">
      {available.map((action) => (
        <button
          key={action}
          type="button"
          className={`button ${COPY[action].tone === "danger" ? "button--danger-outline" : ""}`}
          onClick={() => {
            setError(null);
            setAsking(action);
          }}
        >
          {COPY[action].button}
        </button>
      ))}
      {asking && (
        <ConfirmDialog
          title={COPY[asking].title}
          body={COPY[asking].body}
          confirmLabel={COPY[asking].button}
          tone={COPY[asking].tone}
          busy={busy}
          error={error}
          onConfirm={() => void run(asking)}
          onCancel={() => setAsking(null)}
        />
      )}
    </div>
  );
}
