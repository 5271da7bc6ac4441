import type { FlowStore, GroupRecord, StepRecord } from "../flows/types.js";
import type { Lease } from "../types.js";
import type { MemoryJobs } from "./jobs.js";

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

  constructor(private readonly jobs: MemoryJobs) {}

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
