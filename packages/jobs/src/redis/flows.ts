import { readFileSync } from "node:fs";
import type { Redis } from "ioredis";
import type { FlowStore, GroupRecord, StepRecord } from "../flows/types.js";
import type { Lease } from "../types.js";

const FLOW_SCRIPTS = ["flow-suspend", "flow-wake", "flow-step", "flow-group"] as const;
type FlowScript = (typeof FLOW_SCRIPTS)[number];

const SCRIPTS_DIR = new URL("./scripts/", import.meta.url);
const source = (name: string) => readFileSync(new URL(`${name}.lua`, SCRIPTS_DIR), "utf8");

type ScriptFn = (...args: (string | number)[]) => Promise<unknown>;

function toGroup(id: string, h: Record<string, string>): GroupRecord | null {
  if (h.total === undefined) return null;
  return {
    id,
    tenantId: h.tenantId as string,
    parentJobId: h.parent ?? null,
    total: Number(h.total),
    remaining: Number(h.remaining),
    onComplete: h.onComplete === undefined ? null : (JSON.parse(h.onComplete) as GroupRecord["onComplete"]),
    done: h.done === "1",
    createdAt: Number(h.createdAt),
  };
}

/**
 * The flow primitives in Redis (keys in scripts/flow-group.lua and flow-step.lua). The fenced and
 * counting writes are Lua scripts (with lib.lua's helpers), so each is atomic; reads are plain.
 */
export class RedisFlows implements FlowStore {
  constructor(
    private readonly client: Redis,
    private readonly prefix: string,
    private readonly origin: string,
  ) {}

  /** Defines the scripts as ioredis commands (EVALSHA, EVAL after a script-cache flush). */
  define(): void {
    const lib = source("lib");
    for (const name of FLOW_SCRIPTS) {
      const command = `lf_${name.replace("-", "_")}`;
      if (typeof (this.client as unknown as Record<string, unknown>)[command] === "function") continue;
      this.client.defineCommand(command, { numberOfKeys: 0, lua: `${lib}\n${source(name)}` });
    }
  }

  private run(name: FlowScript, args: (string | number)[]): Promise<unknown> {
    const command = `lf_${name.replace("-", "_")}`;
    let fn = (this.client as unknown as Record<string, ScriptFn>)[command];
    if (fn === undefined) {
      this.define();
      fn = (this.client as unknown as Record<string, ScriptFn>)[command] as ScriptFn;
    }
    return fn.call(this.client, this.prefix, this.origin, ...args);
  }

  async loadSteps(jobId: string): Promise<StepRecord[]> {
    const all = await this.client.hgetall(`${this.prefix}:steps:${jobId}`);
    return Object.values(all)
      .sort()
      .map((value) => JSON.parse(value.slice(10)) as StepRecord);
  }

  async saveStep(lease: Lease, step: StepRecord, now: number): Promise<boolean> {
    const args = [lease.jobId, lease.workerId, lease.attempt, step.name, JSON.stringify(step), now];
    return (await this.run("flow-step", args)) === 1;
  }

  async suspend(lease: Lease, runAt: number, now: number): Promise<boolean> {
    return (await this.run("flow-suspend", [lease.jobId, lease.workerId, lease.attempt, runAt, now])) === 1;
  }

  async wake(jobId: string, now: number): Promise<boolean> {
    return (await this.run("flow-wake", [jobId, now])) === 1;
  }

  async createGroup(group: GroupRecord): Promise<GroupRecord> {
    await this.run("flow-group", [
      "create",
      group.id,
      group.tenantId,
      group.parentJobId ?? "",
      group.total,
      group.onComplete === null ? "" : JSON.stringify(group.onComplete),
      group.createdAt,
    ]);
    return (await this.getGroup(group.id)) as GroupRecord;
  }

  async getGroup(groupId: string): Promise<GroupRecord | null> {
    return toGroup(groupId, await this.client.hgetall(`${this.prefix}:grp:${groupId}`));
  }

  private async groups(ids: string[]): Promise<GroupRecord[]> {
    const found = await Promise.all(ids.map((id) => this.getGroup(id)));
    return found.filter((g): g is GroupRecord => g !== null);
  }

  async groupsOf(jobId: string): Promise<GroupRecord[]> {
    return this.groups(await this.client.zrange(`${this.prefix}:grp-of:${jobId}`, 0, -1));
  }

  async memberEnded(groupId: string, index: number): Promise<number | null> {
    const left = await this.run("flow-group", ["ended", groupId, index]);
    return typeof left === "number" ? left : null;
  }

  async markGroupDone(groupId: string): Promise<void> {
    await this.run("flow-group", ["done", groupId]);
  }

  async openGroups(limit: number): Promise<GroupRecord[]> {
    return this.groups(await this.client.zrange(`${this.prefix}:grp-open`, 0, limit - 1));
  }
}
