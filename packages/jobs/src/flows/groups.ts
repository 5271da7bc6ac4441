import { isJobsError, JobsError } from "../errors.js";
import type { EnqueueOptions, Queue, TaskRef } from "../queue.js";
import type { JobErrorInfo, JobRecord, JobStatus, JobStore, Json, TaskLogger } from "../types.js";
import { TERMINAL_STATUSES } from "../types.js";
import { completionKey, memberJobId, memberKey, membershipOf, newBatchId } from "./ids.js";
import { type FlowStore, type GroupRecord, MAX_GROUP_SIZE } from "./types.js";

/** A store that has the flow primitives. */
export type FlowCapableStore = JobStore & { readonly flows: FlowStore };

export function flowsOf(store: JobStore, call: string): FlowStore {
  const flows = (store as Partial<FlowCapableStore>).flows;
  if (flows === undefined)
    throw new JobsError(
      "conflict",
      `${call}: the ${store.name} job store has no flow support (store.flows); use the memory, sqlite, postgres or redis store.`,
    );
  return flows;
}

export function checkGroupSize(call: string, count: number): void {
  if (!Number.isInteger(count) || count < 1 || count > MAX_GROUP_SIZE)
    throw new JobsError(
      "invalid_input",
      `${call} was given ${count} inputs; give between 1 and ${MAX_GROUP_SIZE} (split larger sets into several calls).`,
    );
}

/** How one member of a group ended, as the parent or a batch reader sees it. */
export interface ChildOutcome {
  jobId: string;
  status: JobStatus;
  result: Json | null;
  error: JobErrorInfo | null;
}

/** The members a group has, enqueued (or found already there) with their derived ids and keys. */
export async function enqueueGroup(
  queue: Queue,
  group: GroupRecord,
  task: TaskRef<unknown>,
  inputs: readonly unknown[],
  options: Omit<EnqueueOptions, "idempotencyKey">,
): Promise<string[]> {
  const flows = flowsOf(queue.store, "enqueueGroup");
  // The group first: a member that ends before the others are enqueued already finds it to count on.
  await flows.createGroup(group);
  const jobs = [];
  for (const [i, input] of inputs.entries()) {
    const job = await queue.prepare(task, input, { ...options, idempotencyKey: memberKey(group.id, i) });
    job.id = memberJobId(group.id, i);
    jobs.push(job);
  }
  const results = await queue.store.enqueueMany(jobs);
  return results.map((r) => r.job.id);
}

export interface BatchOptions {
  tenantId: string;
  /** Enqueued once, after every member ended (completed, failed for good, or cancelled). */
  onComplete?: { task: string | { readonly name: string }; input: Json };
  priority?: number;
}

export interface BatchInfo {
  batchId: string;
  jobIds: string[];
}

export async function enqueueBatch(
  queue: Queue,
  task: TaskRef<unknown>,
  inputs: readonly unknown[],
  options: BatchOptions,
): Promise<BatchInfo> {
  const call = `queue.enqueueBatch("${typeof task === "string" ? task : task.name}")`;
  flowsOf(queue.store, call);
  checkGroupSize(call, inputs.length);
  const onComplete = options.onComplete;
  if (onComplete !== undefined) {
    const name = typeof onComplete.task === "string" ? onComplete.task : onComplete.task.name;
    if (queue.task(name) === undefined)
      throw new JobsError(
        "unknown_task",
        `${call}: the onComplete task "${name}" is not registered in createQueue({ tasks }).`,
      );
  }
  const batchId = newBatchId();
  const now = queue.clock.now();
  const group: GroupRecord = {
    id: batchId,
    tenantId: options.tenantId,
    parentJobId: null,
    total: inputs.length,
    remaining: inputs.length,
    onComplete:
      onComplete === undefined
        ? null
        : {
            task: typeof onComplete.task === "string" ? onComplete.task : onComplete.task.name,
            input: onComplete.input,
          },
    done: false,
    createdAt: now,
  };
  const opts =
    options.priority === undefined
      ? { tenantId: options.tenantId }
      : { tenantId: options.tenantId, priority: options.priority };
  const jobIds = await enqueueGroup(queue, group, task, inputs, opts);
  return { batchId, jobIds };
}

/** Reads how every member of the group ended (or where it stands). */
export async function groupOutcomes(store: JobStore, group: GroupRecord): Promise<ChildOutcome[]> {
  const outcomes: ChildOutcome[] = [];
  for (let i = 0; i < group.total; i++) {
    const id = memberJobId(group.id, i);
    const job = await store.get(null, id);
    outcomes.push(
      job === null
        ? {
            jobId: id,
            status: "cancelled",
            result: null,
            error: { code: "not_found", message: `Child ${id} was deleted.` },
          }
        : { jobId: id, status: job.status, result: job.result, error: job.error },
    );
  }
  return outcomes;
}

/** The group's end: wakes its parent, enqueues its completion job (once, by key), marks it done. */
export async function finishGroup(queue: Queue, group: GroupRecord): Promise<void> {
  const flows = flowsOf(queue.store, "finishGroup");
  const now = queue.clock.now();
  if (group.parentJobId !== null) await flows.wake(group.parentJobId, now);
  if (group.onComplete !== null) {
    await queue.enqueue(group.onComplete.task, group.onComplete.input, {
      tenantId: group.tenantId,
      idempotencyKey: completionKey(group.id),
    });
  }
  await flows.markGroupDone(group.id);
}

const isTerminal = (status: JobStatus) => TERMINAL_STATUSES.includes(status);

/**
 * A job reached a terminal status: counts it in its group (the last member finishes the group) and,
 * when it was cancelled, cancels its own children. Safe to call more than once per job.
 */
export async function jobEnded(queue: Queue, job: JobRecord): Promise<void> {
  const store = queue.store as Partial<FlowCapableStore>;
  const flows = store.flows;
  if (flows === undefined) return;
  const member = membershipOf(job.idempotencyKey);
  if (member !== null) {
    const remaining = await flows.memberEnded(member.groupId, member.index);
    if (remaining === 0) {
      const group = await flows.getGroup(member.groupId);
      if (group !== null) await finishGroup(queue, group);
    }
  }
  if (job.status === "cancelled") await cancelChildren(queue, job);
}

/** Cancelling a parent cancels its children that have not ended (and theirs, in turn). */
async function cancelChildren(queue: Queue, parent: JobRecord): Promise<void> {
  const flows = flowsOf(queue.store, "queue.cancel");
  for (const group of await flows.groupsOf(parent.id)) {
    for (let i = 0; i < group.total; i++) {
      const id = memberJobId(group.id, i);
      let child: JobRecord | null;
      try {
        child = await queue.store.cancel(group.tenantId, id, queue.clock.now(), queue.retentionMs);
      } catch (error) {
        // A child that already ended keeps its outcome.
        if (isJobsError(error, "illegal_transition")) continue;
        throw error;
      }
      if (child !== null && child.status === "cancelled") await jobEnded(queue, child);
    }
  }
}

/** The same, never throwing: a failure is logged and the sweep counts the job later. */
export async function jobEndedQuietly(queue: Queue, job: JobRecord, logger: TaskLogger): Promise<void> {
  try {
    await jobEnded(queue, job);
  } catch (error) {
    logger.warn("Could not count the job's end in its flow; the flow sweep will", {
      jobId: job.id,
      error: String(error),
    });
  }
}

/** A member missing this long after its group was created was deleted, not "not enqueued yet". */
const MISSING_MEMBER_GRACE_MS = 10 * 60 * 1000;

/**
 * Re-checks the groups not done: counts members that ended without being counted (a process died
 * between the end and the count, a lease expired for good) and finishes groups whose count reached
 * 0 without being acted on. Returns how many groups it finished.
 */
export async function sweepFlows(queue: Queue, limit = 100): Promise<number> {
  const flows = (queue.store as Partial<FlowCapableStore>).flows;
  if (flows === undefined) return 0;
  let finished = 0;
  const now = queue.clock.now();
  for (const group of await flows.openGroups(limit)) {
    let remaining = group.remaining;
    for (let i = 0; i < group.total && remaining > 0; i++) {
      const job = await queue.store.get(null, memberJobId(group.id, i));
      const ended = job === null ? group.createdAt + MISSING_MEMBER_GRACE_MS < now : isTerminal(job.status);
      if (!ended) continue;
      const left = await flows.memberEnded(group.id, i);
      if (left !== null) remaining = left;
    }
    if (remaining === 0) {
      const fresh = await flows.getGroup(group.id);
      if (fresh !== null && !fresh.done) {
        await finishGroup(queue, fresh);
        finished += 1;
      }
    }
  }
  return finished;
}
