import { formatTimestamp, JobProgress, type JobStatus, jobTypeLabel } from "@ledgerflow/jobs-react";
import { type FormEvent, useId, useState } from "react";
import { type AdminJob, adminApi, type BulkAction, type JobFilters, NO_FILTERS } from "../../api/admin.js";
import { useResource } from "../../app/use-resource.js";
import { useVisibleInterval } from "../../app/use-visible-interval.js";
import { ConfirmDialog } from "../../components/ConfirmDialog.js";

const STATUSES: JobStatus[] = ["pending", "running", "complete", "failed", "cancelled"];
const TIME_FIELDS = [
  { name: "created_from", label: "Created from" },
  { name: "created_to", label: "Created before" },
] as const;
const TERMINAL = new Set<JobStatus>(["complete", "failed", "cancelled"]);
const BULK_TASK = "jobs_bulk_action";
// The first page and the count refresh in place (rows loaded with "Load more" stay as they were).
const REFRESH_MS = 5000;

const VERB: Record<BulkAction, { button: string; noun: string; tone: "danger" | "primary"; body: string }> = {
  retry: {
    button: "Retry",
    noun: "retry",
    tone: "primary",
    body: "Failed and cancelled jobs go back to pending and run again; other jobs are skipped and counted.",
  },
  cancel: {
    button: "Cancel",
    noun: "cancellation",
    tone: "primary",
    body: "Pending jobs will not run; running ones stop at their next step. Finished jobs are skipped.",
  },
  delete: {
    button: "Delete",
    noun: "deletion",
    tone: "danger",
    body: "The jobs and their results are removed for good. Running jobs are skipped.",
  },
};

type Selection = { kind: "ids"; ids: Set<string> } | { kind: "matching" };

/**
 * The operator's list of every tenant's jobs: search and filters, selection (rows, the page, or every
 * matching job), bulk retry / cancel / delete run on the server as a job whose progress shows here,
 * and replay of a finished job.
 */
export function OperatorJobs({ tasks }: { tasks: readonly string[] }) {
  const [draft, setDraft] = useState<JobFilters>(NO_FILTERS);
  const [filters, setFilters] = useState<JobFilters>(NO_FILTERS);
  const [version, setVersion] = useState(0);
  const key = `admin-jobs:${JSON.stringify(filters)}:${version}`;
  const list = useResource(key, () => adminApi.jobs(filters));
  const count = useResource(`admin-count:${JSON.stringify(filters)}:${version}`, () =>
    adminApi.count(filters),
  );
  const [more, setMore] = useState<{ key: string; jobs: AdminJob[]; cursor: string | null } | null>(null);
  const [selection, setSelection] = useState<Selection>({ kind: "ids", ids: new Set() });
  const [asking, setAsking] = useState<BulkAction | null>(null);
  const [bulkJobs, setBulkJobs] = useState<{ id: string; title: string }[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [announcement, setAnnouncement] = useState("");
  const ids = useId();
  useVisibleInterval(() => Promise.all([list.reload(), count.reload()]).then(() => undefined), REFRESH_MS);

  const jobs = [...(list.data?.jobs ?? []), ...(more?.key === key ? more.jobs : [])];
  const cursor = more?.key === key ? more.cursor : (list.data?.next_cursor ?? null);
  const matching = count.data ? `${count.data.count.toLocaleString()}${count.data.capped ? "+" : ""}` : "…";
  const selectable = jobs.filter((j) => j.type !== BULK_TASK);
  const selectedIds = selection.kind === "ids" ? selection.ids : new Set<string>();
  const pageSelected = selectable.length > 0 && selectable.every((j) => selectedIds.has(j.id));
  const selectedCount = selection.kind === "matching" ? matching : String(selectedIds.size);
  const selectedJobs = selectedCount === "1" ? "1 job" : `${selectedCount} jobs`;
  const anySelected = selection.kind === "matching" || selectedIds.size > 0;

  const refresh = () => setVersion((v) => v + 1);
  const apply = (event: FormEvent) => {
    event.preventDefault();
    setFilters(draft);
    setSelection({ kind: "ids", ids: new Set() });
  };
  const clear = () => {
    setDraft(NO_FILTERS);
    setFilters(NO_FILTERS);
    setSelection({ kind: "ids", ids: new Set() });
  };
  const toggle = (jobId: string) =>
    setSelection(() => {
      const next = new Set(selectedIds);
      if (next.has(jobId)) next.delete(jobId);
      else next.add(jobId);
      return { kind: "ids", ids: next };
    });
  const togglePage = () =>
    setSelection({ kind: "ids", ids: pageSelected ? new Set() : new Set(selectable.map((j) => j.id)) });

  const loadMore = async () => {
    if (!cursor) return;
    const page = await adminApi.jobs(filters, cursor);
    setMore((m) => ({
      key,
      jobs: [...(m?.key === key ? m.jobs : []), ...page.jobs],
      cursor: page.next_cursor,
    }));
  };

  const runBulk = async (action: BulkAction) => {
    setError(null);
    try {
      const target = selection.kind === "matching" ? { filter: filters } : { ids: [...selectedIds] };
      const { job_id } = await adminApi.bulk(action, target);
      const title = `Bulk ${VERB[action].noun} of ${selectedJobs}`;
      setBulkJobs((b) => [{ id: job_id, title }, ...b]);
      setSelection({ kind: "ids", ids: new Set() });
      setAnnouncement(`${title} started.`);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setAsking(null);
    }
  };

  const replay = async (job: AdminJob) => {
    setError(null);
    try {
      const replayed = await adminApi.replay(job.id);
      setAnnouncement(`Replayed ${job.id} as ${replayed.job_id}.`);
      refresh();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };

  const set = <K extends keyof JobFilters>(name: K, value: JobFilters[K]) =>
    setDraft((d) => ({ ...d, [name]: value }));

  return (
    <section className="operator-jobs" aria-labelledby={`${ids}-title`}>
      <h2 id={`${ids}-title`}>Jobs of every tenant</h2>
      <search aria-label="Search jobs">
        <form className="operator-filters card" onSubmit={apply}>
          <label className="field operator-filters__search">
            Search
            <input
              type="search"
              value={draft.q}
              placeholder="Job id, or text in its input or error"
              onChange={(e) => set("q", e.target.value)}
            />
          </label>
          <label className="field">
            Tenant
            <input
              value={draft.tenant_id}
              placeholder="Any tenant (id)"
              onChange={(e) => set("tenant_id", e.target.value)}
            />
          </label>
          <label className="field">
            Task
            <select value={draft.task} onChange={(e) => set("task", e.target.value)}>
              <option value="">Any task</option>
              {tasks.map((t) => (
                <option key={t} value={t}>
                  {jobTypeLabel(t)}
                </option>
              ))}
            </select>
          </label>
          {TIME_FIELDS.map(({ name, label }) => (
            <label key={name} className="field">
              {label}
              <input type="datetime-local" value={draft[name]} onChange={(e) => set(name, e.target.value)} />
            </label>
          ))}
          <fieldset className="operator-filters__status">
            <legend>Status</legend>
            {STATUSES.map((s) => (
              <label key={s} className="checkbox">
                <input
                  type="checkbox"
                  checked={draft.status.includes(s)}
                  onChange={(e) =>
                    set(
                      "status",
                      e.target.checked ? [...draft.status, s] : draft.status.filter((x) => x !== s),
                    )
                  }
                />
                {s[0]?.toUpperCase()}
                {s.slice(1)}
              </label>
            ))}
          </fieldset>
          <div className="operator-filters__actions">
            <button type="submit" className="button button--primary">
              Search
            </button>
            <button type="button" className="button" onClick={clear}>
              Clear
            </button>
          </div>
        </form>
      </search>

      {(error ?? list.error) && (
        <div className="banner banner--error" role="alert">
          {error ?? list.error?.message}
        </div>
      )}

      <div className="operator-bulk" role="toolbar" aria-label="Bulk actions" aria-controls={`${ids}-table`}>
        <span className="operator-bulk__summary">
          {matching} matching · {selectedCount} selected
        </span>
        {pageSelected && selection.kind === "ids" && count.data && count.data.count > selectedIds.size && (
          <button
            type="button"
            className="button button--small"
            onClick={() => setSelection({ kind: "matching" })}
          >
            Select all {matching} matching jobs
          </button>
        )}
        {selection.kind === "matching" && (
          <button
            type="button"
            className="button button--small"
            onClick={() => setSelection({ kind: "ids", ids: new Set() })}
          >
            Clear selection
          </button>
        )}
        {(["retry", "cancel", "delete"] as const).map((action) => (
          <button
            key={action}
            type="button"
            className={`button button--small${action === "delete" ? " button--danger-outline" : ""}`}
            aria-disabled={!anySelected || undefined}
            onClick={() => anySelected && setAsking(action)}
          >
            {VERB[action].button} selected
          </button>
        ))}
      </div>

      {bulkJobs.length > 0 && (
        <div className="job-stack">
          {bulkJobs.map((b) => (
            <JobProgress
              key={b.id}
              jobId={b.id}
              title={b.title}
              onComplete={refresh}
              actions={
                <button
                  type="button"
                  className="button button--ghost button--small"
                  aria-label={`Dismiss ${b.title}`}
                  onClick={() => setBulkJobs((all) => all.filter((x) => x.id !== b.id))}
                >
                  Dismiss
                </button>
              }
            />
          ))}
        </div>
      )}

      <div className="card card--flush operator-table">
        <table className="data-table" id={`${ids}-table`}>
          <caption className="visually-hidden">Jobs of every tenant, newest first</caption>
          <thead>
            <tr>
              <th scope="col">
                <input
                  type="checkbox"
                  aria-label="Select every job on this page"
                  checked={pageSelected || selection.kind === "matching"}
                  onChange={togglePage}
                />
              </th>
              <th scope="col">Job</th>
              <th scope="col">Tenant</th>
              <th scope="col">Status</th>
              <th scope="col">Message</th>
              <th scope="col">Created</th>
              <th scope="col">Action</th>
            </tr>
          </thead>
          <tbody>
            {jobs.length === 0 && (
              <tr>
                <td colSpan={7} className="empty">
                  {list.loading ? "Loading jobs…" : "No job matches."}
                </td>
              </tr>
            )}
            {jobs.map((job) => (
              <tr key={job.id}>
                <td>
                  {job.type !== BULK_TASK && (
                    <input
                      type="checkbox"
                      aria-label={`Select job ${job.id}`}
                      checked={selection.kind === "matching" || selectedIds.has(job.id)}
                      disabled={selection.kind === "matching"}
                      onChange={() => toggle(job.id)}
                    />
                  )}
                </td>
                <td>
                  <div className="cell-main">{jobTypeLabel(job.type)}</div>
                  <div className="cell-sub mono">{job.id}</div>
                </td>
                <td className="mono small">{job.tenant_id}</td>
                <td>
                  <span className="lf-badge" data-status={job.status}>
                    {job.status}
                  </span>
                </td>
                <td className="operator-table__message">
                  {job.error ? <span className="cell-error">{job.error.message}</span> : (job.message ?? "—")}
                </td>
                <td className="nowrap small">
                  <time dateTime={job.created_at}>{formatTimestamp(job.created_at)}</time>
                </td>
                <td>
                  {TERMINAL.has(job.status) && job.type !== BULK_TASK && (
                    <button
                      type="button"
                      className="button button--small"
                      aria-label={`Replay job ${job.id}`}
                      onClick={() => void replay(job)}
                    >
                      Replay
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {cursor && (
          <button type="button" className="button load-more" onClick={() => void loadMore()}>
            Load more
          </button>
        )}
      </div>
      <p className="visually-hidden" role="status" aria-live="polite">
        {announcement}
      </p>
      {asking && (
        <ConfirmDialog
          title={`${VERB[asking].button} ${selectedJobs}?`}
          body={VERB[asking].body}
          confirmLabel={`${VERB[asking].button} ${selectedJobs}`}
          tone={VERB[asking].tone}
          onConfirm={() => void runBulk(asking)}
          onCancel={() => setAsking(null)}
        />
      )}
    </section>
  );
}
