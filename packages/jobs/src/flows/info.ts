import type { Queue } from "../queue.js";
import type { JobStatus } from "../types.js";
import type { FlowCapableStore } from "./groups.js";
import { memberJobId, membershipOf } from "./ids.js";

/** How many of a job's children {@link flowInfo} lists (the counts cover them all). */
export const FLOW_CHILDREN_LISTED = 100;

export interface ChildInfo {
  id: string;
  /** "cancelled" for a child that was deleted. */
  status: JobStatus;
  progress: number;
}

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
  children: {
    total: number;
    ended: number;
    groupIds: string[];
    /** Per group, oldest first: its members are `memberJobId(id, 0 … total-1)`. */
    groups: { id: string; total: number; ended: number }[];
    /** The first {@link FLOW_CHILDREN_LISTED} children, in spawn order, with where each stands. */
    jobs: ChildInfo[];
  };
}

export interface FlowInfoOptions {
  /** How many children to list in `children.jobs` (one store read each); default and most 100. */
  listChildren?: number;
}

/** Null when the job does not exist (or belongs to another tenant). */
export async function flowInfo(
  queue: Queue,
  tenantId: string | null,
  jobId: string,
  options: FlowInfoOptions = {},
): Promise<FlowInfo | null> {
  const listMax = Math.max(0, Math.min(options.listChildren ?? FLOW_CHILDREN_LISTED, FLOW_CHILDREN_LISTED));
  const job = await queue.store.get(tenantId, jobId);
  if (job === null) return null;
  const flows = (queue.store as Partial<FlowCapableStore>).flows;
  const info: FlowInfo = {
    jobId,
    steps: [],
    parentId: null,
    batchId: null,
    children: { total: 0, ended: 0, groupIds: [], groups: [], jobs: [] },
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
  const listed: string[] = [];
  for (const group of await flows.groupsOf(jobId)) {
    info.children.total += group.total;
    info.children.ended += group.total - group.remaining;
    info.children.groupIds.push(group.id);
    info.children.groups.push({ id: group.id, total: group.total, ended: group.total - group.remaining });
    for (let i = 0; i < group.total && listed.length < listMax; i++) {
      listed.push(memberJobId(group.id, i));
    }
  }
  const children = await Promise.all(listed.map((id) => queue.store.get(tenantId, id)));
  info.children.jobs = children.map((child, i) =>
    child === null
      ? { id: listed[i] as string, status: "cancelled", progress: 0 }
      : { id: child.id, status: child.status, progress: child.progress },
  );
  return info;
}
