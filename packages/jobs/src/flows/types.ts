import type { Json, Lease } from "../types.js";

/**
 * Glossary (flows)
 * - step: a named piece of a job's handler whose JSON result is stored (`ctx.step`); a later attempt
 *   of the same job reads it back instead of running the piece again.
 * - suspension: the job gives its worker slot back and waits, pending, until a run-at (`ctx.sleep`,
 *   `ctx.waitForChildren`); the attempt is not counted.
 * - group: jobs enqueued together whose end is counted: a parent's children (`ctx.spawn`) or a batch
 *   (`queue.enqueueBatch`). When its last member ended, the group wakes its parent or enqueues its
 *   completion job. Member i of group g has the id {@link memberJobId}(g, i) and the idempotency key
 *   `flow:g:i`, so enqueueing a group twice yields the same jobs.
 */

/** One stored step of a job. */
export interface StepRecord {
  name: string;
  /** Only finished steps are stored: a step that threw is not kept (the attempt fails or retries). */
  status: "complete";
  result: Json;
  startedAt: number;
  finishedAt: number;
}

export interface GroupRecord {
  id: string;
  tenantId: string;
  /** The job that spawned the group and waits for it; null for a batch. */
  parentJobId: string | null;
  /** Members, ids `memberJobId(id, 0 … total-1)`. */
  total: number;
  /** Members whose end was not counted yet. */
  remaining: number;
  /** A batch's completion job (task name and input), null for children. */
  onComplete: { task: string; input: Json } | null;
  /** True once the group's end was acted on (the parent woken, the completion job enqueued). */
  done: boolean;
  createdAt: number;
}

/**
 * The store primitives flows need. Every store implements it as `store.flows`, with the same
 * semantics (the flows conformance tests). Writes that name a {@link Lease} return false and change
 * nothing when the lease is no longer held.
 */
export interface FlowStore {
  /** The job's stored steps, in the order they were saved. */
  loadSteps(jobId: string): Promise<StepRecord[]>;
  /**
   * Stores a step of the running attempt (replaces one of the same name). Fenced by the lease.
   * `ordinal`, when the caller knows it: the step's place among the job's steps (how many were
   * stored before it), so the store need not count them; without it the store counts.
   */
  saveStep(lease: Lease, step: StepRecord, now: number, ordinal?: number): Promise<boolean>;
  /**
   * Running → pending, claimable at `runAt`, this attempt not counted (like a release), its steps
   * kept; placed in line when it comes due. Fenced by the lease.
   */
  suspend(lease: Lease, runAt: number, now: number): Promise<boolean>;
  /** A pending job whose runAt is after `now` becomes due now; anything else is left alone. */
  wake(jobId: string, now: number): Promise<boolean>;
  /** Inserts the group unless one with its id exists; returns what is stored. */
  createGroup(group: GroupRecord): Promise<GroupRecord>;
  getGroup(groupId: string): Promise<GroupRecord | null>;
  /** The groups whose parent is `jobId`, oldest first. */
  groupsOf(jobId: string): Promise<GroupRecord[]>;
  /**
   * Counts the end of member `index`, once: the first call for an index decrements `remaining`
   * atomically and returns the new value; later calls (and unknown groups) return null.
   */
  memberEnded(groupId: string, index: number): Promise<number | null>;
  /** Marks the group's end as acted on. */
  markGroupDone(groupId: string): Promise<void>;
  /** Up to `limit` groups not done yet, oldest first (the sweep re-checks them). */
  openGroups(limit: number): Promise<GroupRecord[]>;
}

/** The most members one `enqueueBatch` or `ctx.spawn` call may have. */
export const MAX_GROUP_SIZE = 1000;
