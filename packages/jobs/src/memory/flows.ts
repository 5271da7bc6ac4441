import { completionKey, memberKey } from "../flows/ids.js";
import type { FlowStore, GroupRecord, StepRecord } from "../flows/types.js";
import type { Lease } from "../types.js";
import type { MemoryJobs } from "./jobs.js";
import type { StoredJob } from "./record.js";

/** A batch member's or completion job's idempotency key: `flow:<batch id>:<index | complete>`. */
const BATCH_KEY = /^flow:(bat_[A-Za-z0-9_-]+):(\d+|complete)$/;

interface StoredGroup extends GroupRecord {
  counted: Set<number>;
}

const copyGroup = ({ counted: _counted, ...group }: StoredGroup): GroupRecord => ({
  ...group,
  onComplete: group.onComplete === null ? null : { ...group.onComplete },
});

/** The flow primitives on the memory store's maps (one process, so every operation is atomic). */
export class MemoryFlows implements FlowStore {
  private readonly steps = new Map<string, Map<string, StepRecord>>();
  private readonly groups = new Map<string, StoredGroup>();
  private readonly byParent = new Map<string, StoredGroup[]>();

  constructor(private readonly jobs: MemoryJobs) {
    jobs.onRemove = (job) => this.jobRemoved(job);
  }

  /**
   * Retention: a removed job's steps go, and its groups as a parent; a batch goes with the last of
   * its members and its completion job (one waiting for its completion to be enqueued stays).
   */
  private jobRemoved(job: StoredJob): void {
    this.steps.delete(job.id);
    const children = this.byParent.get(job.id);
    if (children !== undefined) {
      for (const group of children) this.groups.delete(group.id);
      this.byParent.delete(job.id);
    }
    const match = job.idempotencyKey === null ? null : BATCH_KEY.exec(job.idempotencyKey);
    if (match === null) return;
    const batchId = match[1] as string;
    const batch = this.groups.get(batchId);
    if (batch === undefined || batch.parentJobId !== null) return;
    if (!batch.done && batch.onComplete !== null) return;
    const left = (key: string) => this.jobs.keys.existing(batch.tenantId, key, null) !== undefined;
    if (left(completionKey(batchId))) return;
    // From the next member on: a sweep removing members in order finds the next one at once.
    const from = match[2] === "complete" ? 0 : Number(match[2]) + 1;
    for (let k = 0; k < batch.total; k++) if (left(memberKey(batchId, (from + k) % batch.total))) return;
    this.groups.delete(batchId);
  }

  async loadSteps(jobId: string): Promise<StepRecord[]> {
    return [...(this.steps.get(jobId)?.values() ?? [])].map((step) => structuredClone(step));
  }

  async saveStep(lease: Lease, step: StepRecord, now: number): Promise<boolean> {
    const job = this.jobs.held(lease);
    if (job === undefined) return false;
    let steps = this.steps.get(job.id);
    if (steps === undefined) {
      steps = new Map();
      this.steps.set(job.id, steps);
    }
    steps.set(step.name, structuredClone(step));
    job.updatedAt = now;
    return true;
  }

  async suspend(lease: Lease, runAt: number, now: number): Promise<boolean> {
    const job = this.jobs.held(lease);
    if (job === undefined) return false;
    this.jobs.scheduleRetry(job, "retry_scheduled", runAt, now);
    job.attempts -= 1;
    if (job.attempts === 0) job.startedAt = null;
    this.jobs.listeners.emit("enqueued", job);
    return true;
  }

  async wake(jobId: string, now: number): Promise<boolean> {
    const job = this.jobs.all.get(jobId);
    if (job === undefined || job.status !== "pending" || job.runAt <= now) return false;
    job.runAt = now;
    job.updatedAt = now;
    // A new place in line; the old (delayed) entry goes stale with the job's new seq.
    this.jobs.pending.push(job, now);
    return true;
  }

  async createGroup(group: GroupRecord): Promise<GroupRecord> {
    const existing = this.groups.get(group.id);
    if (existing !== undefined) return copyGroup(existing);
    const stored: StoredGroup = { ...group, counted: new Set() };
    this.groups.set(group.id, stored);
    if (group.parentJobId !== null) {
      const siblings = this.byParent.get(group.parentJobId) ?? [];
      siblings.push(stored);
      this.byParent.set(group.parentJobId, siblings);
    }
    return copyGroup(stored);
  }

  async getGroup(groupId: string): Promise<GroupRecord | null> {
    const group = this.groups.get(groupId);
    return group === undefined ? null : copyGroup(group);
  }

  async groupsOf(jobId: string): Promise<GroupRecord[]> {
    return (this.byParent.get(jobId) ?? []).map(copyGroup);
  }

  async memberEnded(groupId: string, index: number): Promise<number | null> {
    const group = this.groups.get(groupId);
    if (group === undefined || index < 0 || index >= group.total || group.counted.has(index)) return null;
    group.counted.add(index);
    group.remaining -= 1;
    return group.remaining;
  }

  async markGroupDone(groupId: string): Promise<void> {
    const group = this.groups.get(groupId);
    if (group !== undefined) group.done = true;
  }

  async openGroups(limit: number): Promise<GroupRecord[]> {
    const open: GroupRecord[] = [];
    for (const group of this.groups.values()) {
      if (open.length >= limit) break;
      if (!group.done) open.push(copyGroup(group));
    }
    return open;
  }
}
