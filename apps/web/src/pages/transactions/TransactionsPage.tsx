import { JobProgress } from "@ledgerflow/jobs-react";
import { useCallback, useState } from "react";
import { api } from "../../api/endpoints.js";
import type {
  ImportPreview,
  JobAccepted,
  MappingChoice,
  Transaction,
  TransactionStatus,
} from "../../api/types.js";
import { useCompany } from "../../app/company.js";
import { Link } from "../../app/router.js";
import { useResource } from "../../app/use-resource.js";
import { ColumnMapper } from "../../components/ColumnMapper.js";
import { PageHeader } from "../../components/PageHeader.js";
import { Tabs } from "../../components/Tabs.js";
import { UploadDropzone } from "../../components/UploadDropzone.js";
import { TransactionsTable } from "./TransactionsTable.js";

type Filter = "all" | TransactionStatus;
const FILTERS = [
  { key: "all", label: "All" },
  { key: "uncategorized", label: "Uncategorized" },
  { key: "needs_review", label: "Needs review" },
  { key: "categorized", label: "Categorized" },
] as const;

interface StartedJob {
  id: string;
  title: string;
}

export function TransactionsPage() {
  const { company, accounts } = useCompany();
  const [filter, setFilter] = useState<Filter>("all");
  const [jobs, setJobs] = useState<StartedJob[]>([]);
  const [startError, setStartError] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);
  const [extra, setExtra] = useState<{ rows: Transaction[]; cursor: string | null } | null>(null);
  // An upload the server wants confirmed: its file and the preview to choose the columns from.
  const [mapping, setMapping] = useState<{ file: File; preview: ImportPreview } | null>(null);

  const status = filter === "all" ? null : filter;
  const list = useResource(company ? `tx:${company.id}:${filter}` : null, async () => {
    setExtra(null);
    return api.transactions(company?.id ?? "", status);
  });
  const rows = [...(list.data?.transactions ?? []), ...(extra?.rows ?? [])];
  const nextCursor = extra ? extra.cursor : (list.data?.next_cursor ?? null);

  const start = async (title: string, enqueue: () => Promise<JobAccepted | ImportPreview>, file?: File) => {
    setStarting(true);
    setStartError(null);
    try {
      const answer = await enqueue();
      if ("status" in answer && answer.status === "needs_mapping") {
        if (file) setMapping({ file, preview: answer as ImportPreview });
        return;
      }
      const { job_id } = answer as JobAccepted;
      setMapping(null);
      setJobs((current) => [{ id: job_id, title }, ...current.filter((j) => j.id !== job_id)]);
    } catch (err) {
      setStartError(err instanceof Error ? err.message : String(err));
    } finally {
      setStarting(false);
    }
  };

  const onRowChanged = useCallback(
    (updated: Transaction) => {
      void list.reload();
      setExtra((e) => (e ? { ...e, rows: e.rows.map((r) => (r.id === updated.id ? updated : r)) } : e));
    },
    [list.reload],
  );

  const loadMore = async () => {
    if (!company || !nextCursor) return;
    const page = await api.transactions(company.id, status, nextCursor);
    setExtra((e) => ({ rows: [...(e?.rows ?? []), ...page.transactions], cursor: page.next_cursor }));
  };

  if (!company)
    return <section className="page">{list.loading ? <p className="muted">Loading…</p> : null}</section>;

  return (
    <section className="page">
      <PageHeader
        title="Transactions"
        intro="Import a bank export, then let the rules, your history and the LLM sort it."
      >
        <button
          type="button"
          className="button button--primary"
          disabled={starting}
          onClick={() => void start("Categorizing transactions", () => api.startCategorize(company.id))}
        >
          Categorize
        </button>
      </PageHeader>

      <UploadDropzone
        disabled={starting}
        onFile={(file) => void start(`Importing ${file.name}`, () => api.uploadCsv(company.id, file), file)}
      />
      {mapping && (
        <ColumnMapper
          preview={mapping.preview}
          busy={starting}
          onCancel={() => setMapping(null)}
          onConfirm={(choice: MappingChoice) =>
            void start(`Importing ${mapping.file.name}`, () =>
              api.uploadCsv(company.id, mapping.file, choice),
            )
          }
        />
      )}
      {startError && (
        <div className="banner banner--error" role="alert">
          {startError}
        </div>
      )}

      {jobs.length > 0 && (
        <div className="job-stack">
          {jobs.map((job) => (
            <JobProgress
              key={job.id}
              jobId={job.id}
              title={job.title}
              onComplete={() => void list.reload()}
              actions={
                <>
                  <Link href={`/dashboard/background-jobs/${encodeURIComponent(job.id)}`}>Details</Link>
                  <button
                    type="button"
                    className="button button--ghost button--small"
                    onClick={() => setJobs((current) => current.filter((j) => j.id !== job.id))}
                  >
                    Dismiss
                  </button>
                </>
              }
            />
          ))}
        </div>
      )}

      <div className="toolbar">
        <Tabs label="Filter transactions" items={FILTERS} current={filter} onChange={setFilter} />
        {list.loading && <span className="muted small">Refreshing…</span>}
      </div>

      {list.error && (
        <div className="banner banner--error" role="alert">
          {list.error.message}
        </div>
      )}
      {rows.length === 0 && !list.loading ? (
        <p className="empty">No transactions here yet. Upload a CSV export from your bank to begin.</p>
      ) : (
        <TransactionsTable transactions={rows} accounts={accounts} onChanged={onRowChanged} />
      )}
      {nextCursor && (
        <button type="button" className="button load-more" onClick={() => void loadMore()}>
          Load more
        </button>
      )}
    </section>
  );
}
