import type { Queue } from "../queue.js";
import type { FlowCapableStore } from "./groups.js";
import { membershipOf } from "./ids.js";

export interface StepInfo {
  name: string;
  status: "complete";
  startedAt: number;
  finishedAt: number;
  durationMs: number;
}

/** What the API and the dashboard show of a job's flow. */
export interface FlowInfo {
  jobId: string;
  steps: StepInfo[];
  /** The job that spawned this one, or null. */
  parentId: string | null;
  /** The batch this job is a member of, or null. */
  batchId: string | null;
  /** Over every group the job spawned: how many children, how many ended ("chunk 7/40"). */
  children: { total: number; ended: number; groupIds: string[] };
}

/** Null when the job does not exist (or belongs to another tenant). */
export async function flowInfo(
  queue: Queue,
  tenantId: string | null,
  jobId: string,
): Promise<FlowInfo | null> {
  const job = await queue.store.get(tenantId, jobId);
  if (job === null) return null;
  const flows = (queue.store as Partial<FlowCapableStore>).flows;
  const info: FlowInfo = {
    jobId,
    steps: [],
    parentId: null,
    batchId: null,
    children: { total: 0, ended: 0, groupIds: [] },
  };
  if (flows === undefined) return info;
  info.steps = (await flows.loadSteps(jobId)).map((step) => ({
    name: step.name,
    status: step.status,
    startedAt: step.startedAt,
    finishedAt: step.finishedAt,
    durationMs: step.finishedAt - step.startedAt,
  }));
  const member = membershipOf(job.idempotencyKey);
  if (member !== null) {
    const group = await flows.getGroup(member.groupId);
    if (group !== null && group.parentJobId !== null) info.parentId = group.parentJobId;
    else if (group !== null) info.batchId = group.id;
  }
  for (const group of await flows.groupsOf(jobId)) {
    info.children.total += group.total;
    info.children.ended += group.total - group.remaining;
    info.children.groupIds.push(group.id);
  }
  return info;
}
