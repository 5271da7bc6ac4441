import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { JobsError, LEASE_EXPIRED_FINAL_ERROR, LEASE_EXPIRED_RETRY_ERROR } from "../errors.js";
import { clampListLimit, decodeCursor, encodeCursor } from "../memory/list.js";
import { Batcher } from "../postgres/batcher.js";
import { ClaimBuffer } from "../postgres/claim-buffer.js";
import { transition } from "../state.js";
import type {
  ClaimRequest,
  EnqueueResult,
  FailOptions,
  Fairness,
  JobErrorInfo,
  JobEventListener,
  JobRecord,
  JobStatus,
  JobStore,
  Json,
  Lease,
  ListPage,
  ListQuery,
  NewJob,
  ScheduleRecord,
  StoreCapabilities,
  TypeStats,
  Unsubscribe,
} from "../types.js";
import { JOB_STATUSES } from "../types.js";
import { RedisEvents } from "./events.js";
import { RedisFlows } from "./flows.js";
import { applyLayout } from "./layout.js";
import { RedisLeaseWrites } from "./lease-writes.js";
import { type ClaimedRow, type FlatRecord, toClaimed, toJob, toSchedule } from "./record.js";
import { callScript, callScriptNow, defineScripts, type ScriptName } from "./scripts.js";

export interface RedisStoreOptions {
  /** Defaults to the REDIS_URL environment variable, then redis://127.0.0.1:6379. Ignored with `client`. */
  url?: string;
  /** An application's connection to share; the store then leaves closing it to the application. */
  client?: Redis;
  /** Prefix of every key. Default "lf". On Redis Cluster use a hash tag, e.g. "{lf}". */
  prefix?: string;
  /**
   * Claim this many jobs beyond what a worker asks for and serve its next claims from them (see
   * postgres/claim-buffer.ts for the trade-offs). Default 0: off.
   */
  prefetch?: number;
  /**
   * How jobs of one priority are ordered: "tenant" (the default) takes the tenants round-robin (fair
   * share, see `Fairness`); "fifo" takes earliest runAt first, then enqueue order. Every process on
   * one prefix should use the same; a change applies to jobs placed in line after it (the ones already
   * waiting keep their places and drain first or interleave, none is starved).
   */
  fairness?: Fairness;
  /**
   * Claims (ticks: a claim with the completions waiting for it) a worker may keep in flight at once
   * (`capabilities.claimsInFlight`, worker/claimer.ts). Default 2: each asks only for slots no other
   * asked for, so one claim's jobs run while Redis answers the other — the process and redis-server
   * work at the same time instead of taking turns. 1: one claim at a time.
   */
  claimsInFlight?: number;
}

/** Claims a worker keeps in flight by default (two ticks overlap; see RedisStoreOptions.claimsInFlight). */
const DEFAULT_CLAIMS_IN_FLIGHT = 2;

/** Reclaim re-checks and moves expired leases this many per script call, so no call blocks Redis long. */
const RECLAIM_BATCH = 200;

/**
 * Jobs in Redis: every state change is one Lua script (atomic, EVALSHA), events go out by pub/sub from
 * inside the same script, and writes issued together are sent as one script call (a batch) — see
 * scripts/lib.lua for the keys.
 */
export class RedisJobStore implements JobStore {
  readonly name = "redis";
  readonly capabilities: StoreCapabilities;
  readonly prefix: string;
  readonly client: Redis;
  readonly fairness: Fairness;
  private readonly ownsClient: boolean;
  private readonly origin = randomUUID();
  private readonly events: RedisEvents;
  private readonly prefetched: ClaimBuffer;
  private readonly leases: RedisLeaseWrites;
  /** Claims sent and not yet answered. */
  private claiming = 0;
  private readonly enqueues: Batcher<NewJob, EnqueueResult>;
  /** Steps, suspensions and groups (flows/types.ts). */
  readonly flows: RedisFlows;

  constructor(options: RedisStoreOptions = {}) {
    this.prefix = options.prefix ?? "lf";
    this.fairness = options.fairness ?? "tenant";
    this.capabilities = {
      durable: true,
      crossProcessEvents: true,
      transactionalEnqueue: false,
      claimsInFlight: Math.max(1, Math.floor(options.claimsInFlight ?? DEFAULT_CLAIMS_IN_FLIGHT)),
    };
    this.ownsClient = options.client === undefined;
    this.client =
      options.client ??
      new Redis(options.url ?? process.env.REDIS_URL ?? "redis://127.0.0.1:6379", {
        // Commands issued in one turn leave as one pipeline (one write, one round trip).
        enableAutoPipelining: true,
        lazyConnect: true,
      });
    // ioredis reconnects by itself; without a listener a dropped connection would crash the process.
    if (this.ownsClient) this.client.on("error", () => undefined);
    this.events = new RedisEvents(this.client, `${this.prefix}:events`);
    this.prefetched = new ClaimBuffer(
      options.prefetch ?? 0,
      (request) => this.claimFromRedis(request),
      (lease, now) => this.release(lease, now),
    );
    if (this.prefetched.enabled) {
      this.events.subscribe((event) => {
        if (event.kind === "cancelled" || event.kind === "deleted") this.prefetched.forget(event.jobId);
      });
    }
    this.enqueues = new Batcher(
      (jobs) => this.insert(jobs),
      (job) => job.id,
    );
    this.leases = new RedisLeaseWrites((name, args) => this.script(name, args));
    this.flows = new RedisFlows(this.client, this.prefix, this.origin);
  }

  async init(): Promise<void> {
    defineScripts(this.client);
    if (this.client.status === "wait") await this.client.connect();
    await applyLayout(this.client, this.prefix);
  }

  enqueue(job: NewJob): Promise<EnqueueResult> {
    return this.enqueues.push(job);
  }

  async enqueueMany(jobs: readonly NewJob[]): Promise<EnqueueResult[]> {
    return jobs.length === 0 ? [] : this.insert(jobs);
  }

  async claim(request: ClaimRequest): Promise<JobRecord[]> {
    if (request.limit <= 0 || request.types.length === 0) return [];
    return this.prefetched.claim(request);
  }

  private async claimFromRedis(request: ClaimRequest): Promise<JobRecord[]> {
    const { now, limit, workerId, leaseMs, types, limits } = request;
    // Per type: its concurrency limit, rate max and window ('' = none), read by claim.lua.
    const perType = types.flatMap((type) => {
      const own = limits?.[type];
      return [type, own?.concurrency ?? "", own?.rate?.max ?? "", own?.rate?.perMs ?? ""];
    });
    const leaseExpiresAt = now + leaseMs;
    const claimArgs = [now, limit, workerId, leaseExpiresAt, this.fairness, ...perType];
    // The completions (and progress) that freed these slots are still waiting for the end of the turn:
    // they go in this call (tick.lua), so a round of jobs is one script call, not two.
    const writes = this.leases.take();
    // A claim issued while another is unanswered (worker/claimer.ts keeps up to `claimsInFlight`)
    // leaves at once rather than behind it, so Redis runs it while this process runs the first's jobs.
    const overlapping = this.claiming > 0;
    this.claiming += 1;
    try {
      if (writes === null) {
        const rows = (await this.script("claim", claimArgs, overlapping)) as ClaimedRow[];
        return rows.map((row) => toClaimed(row, workerId, now, leaseExpiresAt));
      }
      let reply: [number[], number[], ClaimedRow[]];
      try {
        reply = (await this.script("tick", [...writes.args, ...claimArgs], overlapping)) as typeof reply;
      } catch (error) {
        this.leases.settleFailed(writes.taken, error);
        throw error;
      }
      this.leases.settle(writes.taken, reply[0], reply[1]);
      return reply[2].map((row) => toClaimed(row, workerId, now, leaseExpiresAt));
    } finally {
      this.claiming -= 1;
    }
  }

  extendLease(lease: Lease, leaseMs: number, now: number): Promise<boolean> {
    return this.leases.extend(lease, now + leaseMs);
  }

  updateProgress(lease: Lease, progress: number, message: string | null, now: number): Promise<boolean> {
    return this.leases.progress(lease, progress, message, now);
  }

  complete(
    lease: Lease,
    result: Json,
    now: number,
    retentionMs: number,
    message?: string | null,
  ): Promise<boolean> {
    return this.leases.complete(lease, result, now, now + retentionMs, message ?? null);
  }

  fail(lease: Lease, error: JobErrorInfo, options: FailOptions): Promise<boolean> {
    return this.leases.fail(lease, error, options);
  }

  release(lease: Lease, now: number): Promise<boolean> {
    return this.leases.release(lease, now);
  }

  async cancel(tenantId: string, jobId: string, now: number, retentionMs: number): Promise<JobRecord | null> {
    const reply = await this.script("cancel", [tenantId, jobId, now, now + retentionMs]).catch(
      illegal("cancel"),
    );
    return reply === null ? null : toJob(reply as FlatRecord);
  }

  async retry(tenantId: string, jobId: string, now: number): Promise<JobRecord | null> {
    const reply = await this.script("retry", [tenantId, jobId, now]).catch((error: unknown) => {
      const holder = /conflict:(.+)$/.exec(String((error as Error).message))?.[1];
      if (holder === undefined) return illegal("manual_retry")(error);
      throw new JobsError(
        "conflict",
        `Job ${holder} with the same dedupe key is still pending or running; wait for it to finish, then retry.`,
      );
    });
    return reply === null ? null : toJob(reply as FlatRecord);
  }

  async get(tenantId: string | null, jobId: string): Promise<JobRecord | null> {
    const flat = await this.client.hgetall(this.key(`job:${jobId}`));
    if (!("id" in flat)) return null;
    const job = toJob(Object.entries(flat).flat());
    return tenantId === null || job.tenantId === tenantId ? job : null;
  }

  async list(query: ListQuery): Promise<ListPage> {
    const limit = clampListLimit(query.limit);
    const cursor = query.cursor ? decodeCursor(query.cursor) : null;
    if (query.cursor && cursor === null) {
      throw new JobsError("invalid_input", "The list cursor is not valid; start again without a cursor.");
    }
    const statuses =
      query.status === undefined ? [] : typeof query.status === "string" ? [query.status] : [...query.status];
    const rows = (await this.script("list", [
      query.tenantId === null ? 0 : 1,
      query.tenantId ?? "",
      query.type ?? "",
      cursor?.createdAt ?? "",
      cursor?.id ?? "",
      limit + 1,
      query.search?.toLowerCase() ?? "",
      query.createdFrom ?? "",
      query.createdTo ?? "",
      ...statuses,
    ])) as FlatRecord[];
    const jobs = rows.slice(0, limit).map(toJob);
    const last = jobs[jobs.length - 1];
    return { jobs, nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
  }

  async countByStatus(tenantId: string, type?: string): Promise<Record<JobStatus, number>> {
    const counts: Record<JobStatus, number> = {
      pending: 0,
      running: 0,
      complete: 0,
      failed: 0,
      cancelled: 0,
    };
    const values =
      type === undefined
        ? await Promise.all(JOB_STATUSES.map((s) => this.client.zcard(this.key(`ts:${s}:${tenantId}`))))
        : await this.client.hmget(this.key(`c:${tenantId}`), ...JOB_STATUSES.map((s) => `${s}:${type}`));
    JOB_STATUSES.forEach((status, i) => {
      counts[status] = Number(values[i] ?? 0);
    });
    return counts;
  }

  async delete(tenantId: string, jobId: string): Promise<boolean> {
    try {
      return (await this.script("delete", [tenantId, jobId])) === 1;
    } catch (error) {
      if (!/running/.test(String((error as Error).message))) throw error;
      throw new JobsError("conflict", `Job ${jobId} is running; cancel it first, then delete it.`);
    }
  }

  async reclaimExpiredLeases(
    now: number,
    retentionMs: number,
    retryAt: (job: JobRecord) => number,
  ): Promise<number> {
    // Any worker's call does the reclaiming (no central scheduler): read the expired end of the
    // running set, let the engine's backoff pick retry times, then a script re-checks each lease.
    let total = 0;
    let offset = 0;
    for (;;) {
      const ids = await this.client.zrangebyscore(
        this.key("running"),
        "-inf",
        `(${now}`,
        "LIMIT",
        offset,
        RECLAIM_BATCH,
      );
      if (ids.length === 0) return total;
      const jobs = (await Promise.all(ids.map((id) => this.get(null, id)))).filter(
        (job): job is JobRecord => job?.status === "running",
      );
      const args = jobs.flatMap((job) => [
        job.id,
        job.leaseOwner ?? "",
        job.attempts,
        job.attempts < job.maxAttempts ? retryAt(job) : "",
      ]);
      const reclaimed = Number(
        await this.script("reclaim", [
          now,
          now + retentionMs,
          JSON.stringify(LEASE_EXPIRED_RETRY_ERROR),
          JSON.stringify(LEASE_EXPIRED_FINAL_ERROR),
          jobs.length,
          ...args,
        ]),
      );
      total += reclaimed;
      // Ones the script skipped (renewed meanwhile) stay in the set: step past them.
      offset += ids.length - reclaimed;
      if (ids.length < RECLAIM_BATCH) return total;
    }
  }

  async deleteExpired(cutoff: number, limit: number): Promise<number> {
    if (limit <= 0) return 0;
    return Number(await this.script("expire", [cutoff, limit]));
  }

  async stats(now: number): Promise<TypeStats[]> {
    const rows = (await callScript(this.client, "stats", this.prefix, this.origin, [now])) as [
      string,
      number,
      number,
      number,
      string,
    ][];
    return rows
      .map(([type, pending, due, running, oldest]) => ({
        type,
        pending,
        due,
        running,
        oldestDueAt: oldest === "" ? null : Number(oldest),
      }))
      .sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
  }

  async setTypePaused(type: string, paused: boolean): Promise<void> {
    const key = this.key("paused");
    await (paused ? this.client.sadd(key, type) : this.client.srem(key, type));
  }

  async pausedTypes(): Promise<string[]> {
    return (await this.client.smembers(this.key("paused"))).sort();
  }

  async blockRateKey(type: string, key: string, until: number): Promise<void> {
    await this.script("block", [type, key, until]);
  }

  async saveSchedule(
    schedule: Omit<ScheduleRecord, "paused" | "lastFireAt" | "updatedAt">,
    now: number,
  ): Promise<ScheduleRecord> {
    const flat = (await this.script("schedules", [
      "save",
      schedule.name,
      schedule.task,
      schedule.cron,
      schedule.timezone === null ? 0 : 1,
      schedule.timezone ?? "",
      JSON.stringify(schedule.input ?? null),
      schedule.tenantId,
      schedule.createdAt,
      now,
    ])) as FlatRecord;
    return toSchedule(flat);
  }

  async deleteSchedule(name: string): Promise<boolean> {
    return (await this.script("schedules", ["delete", name])) === 1;
  }

  async listSchedules(): Promise<ScheduleRecord[]> {
    // A read (no event to wait for): straight to Redis, not behind a starting subscription.
    const rows = await callScript(this.client, "schedules", this.prefix, this.origin, ["list"]);
    return (rows as FlatRecord[]).map(toSchedule);
  }

  async setSchedulePaused(name: string, paused: boolean, now: number): Promise<ScheduleRecord | null> {
    const flat = (await this.script("schedules", ["pause", name, paused ? 1 : 0, now])) as FlatRecord | null;
    return flat === null ? null : toSchedule(flat);
  }

  async advanceSchedule(name: string, fireAt: number, now: number): Promise<boolean> {
    return (await this.script("schedules", ["advance", name, fireAt, now])) === 1;
  }

  subscribe(listener: JobEventListener): Unsubscribe {
    return this.events.subscribe(listener);
  }

  async close(): Promise<void> {
    await this.prefetched.releaseAll();
    await Promise.all([this.enqueues.drain(), this.leases.drain()]);
    await this.events.close();
    if (this.ownsClient) await this.client.quit().catch(() => this.client.disconnect());
  }

  private async insert(jobs: readonly NewJob[]): Promise<EnqueueResult[]> {
    const args = jobs.flatMap((job) => [
      job.id,
      job.tenantId,
      job.type,
      JSON.stringify(job.input ?? null),
      job.maxAttempts,
      job.runAt,
      job.now,
      job.idempotencyKey ?? "",
      job.dedupeKey ?? "",
      job.priority ?? 0,
      optionalKey(job.concurrencyKey),
      optionalKey(job.rateKey),
      optionalKey(job.traceContext),
    ]);
    try {
      const rows = (await this.script("enqueue", [this.fairness, jobs.length, ...args])) as [
        number,
        FlatRecord,
      ][];
      return rows.map(([created, flat]) => ({ job: toJob(flat), created: created === 1 }));
    } catch (error) {
      const id = /conflict:(.+)$/.exec(String((error as Error).message))?.[1];
      if (id === undefined) throw error;
      throw new JobsError("conflict", `A job with id ${id} already exists; generate a new id.`, {
        cause: error,
      });
    }
  }

  /**
   * Runs a script; first waits for a starting subscription so its listener sees this write's event.
   * `now`: written at once, not queued behind the auto-pipeline in flight (scripts.ts callScriptNow).
   */
  private async script(name: ScriptName, args: (string | number)[], now = false): Promise<unknown> {
    const subscribing = this.events.ready();
    if (subscribing !== null) await subscribing;
    return (now ? callScriptNow : callScript)(this.client, name, this.prefix, this.origin, args);
  }

  private key(suffix: string): string {
    return `${this.prefix}:${suffix}`;
  }
}

/** An optional value for enqueue.lua: '' for none, else '=' before it (so an empty string is a value). */
function optionalKey(key: string | null | undefined): string {
  return key === null || key === undefined ? "" : `=${key}`;
}

/** Turns a script's "illegal:<status>" error into the state machine's own illegal_transition error. */
function illegal(event: "cancel" | "manual_retry") {
  return (error: unknown): never => {
    const status = /illegal:(\w+)/.exec(String((error as Error).message))?.[1] as JobStatus | undefined;
    if (status !== undefined) transition(status, event);
    throw error;
  };
}

export function createRedisStore(options: RedisStoreOptions = {}): RedisJobStore {
  return new RedisJobStore(options);
}
