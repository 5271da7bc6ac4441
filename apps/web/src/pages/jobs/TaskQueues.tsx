import { formatTimestamp, jobTypeLabel } from "@ledgerflow/jobs-react";
import { useState } from "react";
import { adminApi, type TaskQueue } from "../../api/admin.js";
import type { Resource } from "../../app/use-resource.js";
import { PauseButton, PausedPill } from "../../components/PauseToggle.js";
import { TableHead } from "../../components/TableHead.js";

const COLUMNS = [
  { label: "Task" },
  { label: "Pending", numeric: true },
  { label: "Due", numeric: true },
  { label: "Running", numeric: true },
  { label: "Oldest due since" },
  { label: "State" },
  { label: "Action" },
];

/** Each task's queue across every tenant, with Pause / Resume (workers everywhere notice within about a second). */
export function TaskQueues({ tasks }: { tasks: Resource<TaskQueue[]> }) {
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [announcement, setAnnouncement] = useState("");

  const toggle = async (task: TaskQueue) => {
    // aria-disabled, not disabled: the button keeps focus while the request runs.
    if (busy) return;
    setBusy(task.task);
    setError(null);
    try {
      const saved = await adminApi.setTaskPaused(task.task, !task.paused);
      setAnnouncement(`${jobTypeLabel(saved.task)}: ${saved.paused ? "paused" : "resumed"}.`);
      await tasks.reload();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(null);
    }
  };

  return (
    <section className="operator-tasks" aria-labelledby="operator-tasks-title">
      <h2 id="operator-tasks-title">Task queues</h2>
      <p className="muted small">
        A paused task's jobs wait as pending (new ones can still be enqueued); running jobs finish.
      </p>
      {(error ?? tasks.error) && (
        <div className="banner banner--error" role="alert">
          {error ?? tasks.error?.message}
        </div>
      )}
      <div className="card card--flush">
        <table className="data-table">
          <caption className="visually-hidden">Task queues across every tenant</caption>
          <TableHead columns={COLUMNS} />
          <tbody>
            {(tasks.data ?? []).map((t) => (
              <tr key={t.task}>
                <td>
                  <div className="cell-main">{jobTypeLabel(t.task)}</div>
                  <div className="cell-sub mono">{t.task}</div>
                </td>
                <td className="num">{t.pending}</td>
                <td className="num">{t.due}</td>
                <td className="num">{t.running}</td>
                <td className="nowrap small">
                  {t.oldest_due_at ? (
                    <time dateTime={t.oldest_due_at}>{formatTimestamp(t.oldest_due_at)}</time>
                  ) : (
                    "—"
                  )}
                </td>
                <td>
                  <PausedPill paused={t.paused} />
                </td>
                <td>
                  <PauseButton
                    paused={t.paused}
                    busy={busy === t.task}
                    what={jobTypeLabel(t.task)}
                    onToggle={() => void toggle(t)}
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
