import { adminApi } from "../../api/admin.js";
import { useResource } from "../../app/use-resource.js";
import { useVisibleInterval } from "../../app/use-visible-interval.js";
import { JobCharts } from "./JobCharts.js";
import { OperatorJobs } from "./OperatorJobs.js";
import { TaskQueues } from "./TaskQueues.js";
import "./operator.css";

const TASKS_REFRESH_MS = 5000;

/** The operator view of Background jobs: every tenant's jobs, the task queues and the charts. */
export function OperatorDashboard() {
  const tasks = useResource("admin-tasks", adminApi.tasks);
  useVisibleInterval(tasks.reload, TASKS_REFRESH_MS);
  return (
    <div className="operator">
      <JobCharts />
      <TaskQueues tasks={tasks} />
      <OperatorJobs tasks={(tasks.data ?? []).map((t) => t.task)} />
    </div>
  );
}

/** Whether the signed-in token is an operator's (GET /api/me); false until known. */
export function useIsOperator(): boolean {
  const me = useResource("me", adminApi.me);
  return me.data?.operator === true;
}
