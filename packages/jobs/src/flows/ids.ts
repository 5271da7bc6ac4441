import { createHash, randomBytes } from "node:crypto";

const digest = (text: string) => createHash("sha256").update(text).digest("base64url").slice(0, 22);

/** A parent's group for its `spawnIndex`-th spawn inside step `stepName`: the same on every retry. */
export function childGroupId(parentJobId: string, stepName: string, spawnIndex: number): string {
  return `grp_${digest(`${parentJobId}\u0000${stepName}\u0000${spawnIndex}`)}`;
}

export function newBatchId(): string {
  return `bat_${randomBytes(16).toString("base64url")}`;
}

/** Member `index` of a group always has this id, so its end can be checked by id (the sweep). */
export function memberJobId(groupId: string, index: number): string {
  return `job_${digest(`${groupId}\u0000${index}`)}`;
}

/** The idempotency key of member `index`: enqueueing the group again returns the same jobs. */
export function memberKey(groupId: string, index: number): string {
  return `flow:${groupId}:${index}`;
}

/** The idempotency key of a batch's completion job: enqueued once, however many callers race. */
export function completionKey(groupId: string): string {
  return `flow:${groupId}:complete`;
}

const MEMBER_KEY = /^flow:((?:grp|bat)_[A-Za-z0-9_-]+):(\d+)$/;

/** The group and index a job belongs to, read from its idempotency key; null for other jobs. */
export function membershipOf(idempotencyKey: string | null): { groupId: string; index: number } | null {
  if (idempotencyKey === null || !idempotencyKey.startsWith("flow:")) return null;
  const match = MEMBER_KEY.exec(idempotencyKey);
  if (match === null) return null;
  return { groupId: match[1] as string, index: Number(match[2]) };
}
