import type { JobStatus, WireJob } from "@ledgerflow/jobs-react";
import { JobsTable } from "@ledgerflow/jobs-react";
import { useState } from "react";
import { api } from "../../api/endpoints.js";
import { navigate, useLocation } from "../../app/router.js";
import { useResource } from "../../app/use-resource.js";
import { useVisibleInterval } from "../../app/use-visible-interval.js";
import { PageHeader } from "../../components/PageHeader.js";
import { Tabs } from "../../components/Tabs.js";
import { JobDetail } from "./JobDetail.js";
import { OperatorDashboard, useIsOperator } from "./OperatorDashboard.js";
import { SchedulesSection } from "./SchedulesSection.js";

type Tab = "all" | JobStatus;
const TAB_KEYS: readonly Tab[] = ["all", "pending", "running", "complete", "failed", "cancelled"];
const TAB_LABELS: Record<Tab, string> = {
  all: "All",
  pending: "Pending",
  running: "Running",
  complete: "Complete",
  failed: "Failed",
  cancelled: "Cancelled",
};
// Live, but gently: a list refresh every 2 s while something is moving, every 10 s otherwise.
const ACTIVE_REFRESH_MS = 2000;
const IDLE_REFRESH_MS = 10_000;

/** `/dashboard/background-jobs[/:id]?status=…`: the tenant's jobs by state, and one job in detail. */
export function BackgroundJobsPage({ jobId }: { jobId: string | null }) {
  const { search } = useLocation();
  const tab = (TAB_KEYS as readonly string[]).includes(search.get("status") ?? "")
    ? (search.get("status") as Tab)
    : "all";
  const [detailVersion, setDetailVersion] = useState(0);
  const isOperator = useIsOperator();
  const operatorView = isOperator && search.get("view") === "operator";
  const list = useResource(`jobs:${tab}`, () => api.jobs(tab === "all" ? null : tab));
  const [more, setMore] = useState<{ tab: Tab; jobs: WireJob[]; cursor: string | null } | null>(null);

  const jobs = [...(list.data?.jobs ?? []), ...(more?.tab === tab ? more.jobs : [])];
  const cursor = more?.tab === tab ? more.cursor : (list.data?.next_cursor ?? null);
  const counts = list.data?.counts;
  const active = (counts?.pending ?? 0) + (counts?.running ?? 0) > 0;
  useVisibleInterval(list.reload, active ? ACTIVE_REFRESH_MS : IDLE_REFRESH_MS);

  const total = counts ? Object.values(counts).reduce((sum, n) => sum + (n ?? 0), 0) : undefined;
  const tabs = TAB_KEYS.map((key) => ({
    key,
    label: TAB_LABELS[key],
    count: key === "all" ? total : counts?.[key],
  }));
  const query = tab === "all" ? "" : `?status=${tab}`;
  const open = (id: string | null) =>
    navigate(`/dashboard/background-jobs${id ? `/${encodeURIComponent(id)}` : ""}${query}`);

  const loadMore = async () => {
    if (!cursor) return;
    const page = await api.jobs(tab === "all" ? null : tab, cursor);
    setMore((m) => ({
      tab,
      jobs: [...(m?.tab === tab ? m.jobs : []), ...page.jobs],
      cursor: page.next_cursor,
    }));
  };

  return (
    <section className="page">
      <PageHeader
        title="Background jobs"
        intro="Imports and categorizations run here. Updates arrive live; they pause while this tab is in the background."
      />
      {isOperator && (
        <div className="toolbar">
          <Tabs
            label="Whose jobs"
            items={[
              { key: "mine", label: "This tenant" },
              { key: "operator", label: "Every tenant (operator)" },
            ]}
            current={operatorView ? "operator" : "mine"}
            onChange={(key) =>
              navigate(`/dashboard/background-jobs${key === "operator" ? "?view=operator" : ""}`)
            }
          />
        </div>
      )}
      {operatorView ? (
        <OperatorDashboard />
      ) : (
        <TenantJobs
          tab={tab}
          tabs={tabs}
          jobs={jobs}
          jobId={jobId}
          cursor={cursor}
          list={list}
          open={open}
          loadMore={loadMore}
          detailVersion={detailVersion}
          setDetailVersion={setDetailVersion}
        />
      )}
      <SchedulesSection scope={operatorView ? "all" : "tenant"} />
    </section>
  );
}

/** The tenant's own jobs by state, and one job in detail (what every signed-in user sees). */
function TenantJobs({
  tab,
  tabs,
  jobs,
  jobId,
  cursor,
  list,
  open,
  loadMore,
  detailVersion,
  setDetailVersion,
}: {
  tab: Tab;
  tabs: { key: Tab; label: string; count: number | undefined }[];
  jobs: WireJob[];
  jobId: string | null;
  cursor: string | null;
  list: { error: Error | null; loading: boolean; reload: () => Promise<void> };
  open: (id: string | null) => void;
  loadMore: () => Promise<void>;
  detailVersion: number;
  setDetailVersion: (update: (v: number) => number) => void;
}) {
  return (
    <>
      <div className="toolbar">
        <Tabs
          label="Job state"
          items={tabs}
          current={tab}
          onChange={(key) => navigate(`/dashboard/background-jobs${key === "all" ? "" : `?status=${key}`}`)}
        />
      </div>
      {list.error && (
        <div className="banner banner--error" role="alert">
          {list.error.message}
        </div>
      )}
      <div className={jobId ? "split" : undefined}>
        <div className="card card--flush">
          <JobsTable
            jobs={jobs}
            selectedId={jobId}
            compact={jobId !== null}
            onSelect={(job) => open(job.id)}
            emptyText={
              list.loading
                ? "Loading jobs…"
                : tab === "all"
                  ? "No jobs yet."
                  : `No ${TAB_LABELS[tab].toLowerCase()} jobs.`
            }
          />
          {cursor && (
            <button type="button" className="button load-more" onClick={() => void loadMore()}>
              Load more
            </button>
          )}
        </div>
        {jobId && (
          <JobDetail
            key={`${jobId}:${detailVersion}`}
            jobId={jobId}
            onClose={() => open(null)}
            onChanged={(action) => {
              void list.reload();
              if (action === "delete") open(null);
              else setDetailVersion((v) => v + 1); // a retried job is live again: follow it afresh
            }}
          />
        )}
      </div>
    </>
  );
}
