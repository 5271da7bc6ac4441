import type { JobRecord, JobStore, TaskLogger } from "../types.js";

/**
 * How long one event-loop turn may keep claiming in microtasks. A store that answers in a microtask
 * (memory) would otherwise let claim → run → complete → claim spin without ever yielding: after this
 * budget the next claim waits for the next turn (setImmediate), so timers and I/O still get their turn.
 */
const TURN_BUDGET_MS = 1;

/**
 * Claim-ahead is at most this many jobs per slot of the worker. Measured (no-op jobs, concurrency 20,
 * PostgreSQL, a loaded 2-core machine): 1 per slot ~5,100 jobs/s, 2 ~5,300, 5 ~6,700–7,900; the
 * depth also bounds how long a job claimed ahead reads as running before it starts.
 */
const AHEAD_PER_SLOT = 4;

export interface ClaimerHost {
  readonly store: JobStore;
  readonly logger: TaskLogger;
  /** True while the worker takes new jobs. */
  readonly accepting: boolean;
  /** Slots free now. */
  freeSlots(): number;
  /** Builds the claim request for `limit` jobs. */
  request(limit: number): Parameters<JobStore["claim"]>[0];
  /** A claimed job, to run now. */
  started(job: JobRecord): void;
}

/**
 * Keeps one claim in flight (or, for stores whose capabilities set `claimsInFlight`, up to that many,
 * see fillOverlapping) and fills all free slots with it. A claim is issued in a
 * microtask after whatever freed the slots, so the slots freed by the handlers finishing in one turn
 * are claimed together, in the same turn as their completions: a store that batches each turn's
 * writes commits the completions and the next claim in one transaction.
 *
 * Claim-ahead (stores whose capabilities set `claimAhead`, i.e. whose claim is a network round
 * trip): a claim also asks for as many jobs as slots freed while the previous claim was in flight
 * (at most the worker's concurrency and the store's `claimAhead`). Those that find no free slot wait
 * here, in `ready`, and start the moment a slot frees, while the next claim is already on its way —
 * so a busy worker never waits a round trip between one job's end and the next job's start. The
 * amount adapts: short jobs free many slots during a claim and get a deep claim-ahead; jobs that run
 * longer than a claim round trip free none and get none (no job sits claimed behind a long one).
 *
 * Trade-offs, all bounded: a job claimed ahead reads as running (its lease runs from the claim) up to
 * one claim round trip before its handler starts; no more than `concurrency` jobs wait so; a job
 * that waited a quarter of its lease is given back (released: pending again, attempt not counted),
 * so a started job always has ≥ 3/4 of its lease; claims carrying concurrency or rate limits never
 * claim ahead (a rate bucket records the start at the claim, and an early claim would bunch real
 * starts); jobs waiting when the worker stops are handed to the worker, which gives them back; a
 * job cancelled while waiting is dropped.
 */
export class Claimer {
  /** Claims in flight (at most one, or the store's `claimsInFlight` without claim-ahead). */
  private readonly flights = new Set<Promise<void>>();
  /** Slots asked for by the claims in flight: no later claim asks for them again. */
  private asked = 0;
  /** The most claims in flight at once. */
  private readonly overlap: number;
  private wakeAgain = false;
  private scheduled = false;
  /** performance.now() of this turn's first claim; -1 until one is issued in the turn. */
  private turnStartedAt = -1;
  /** Cancelled while a claim was in flight: the claim may have committed but not answered yet. */
  private readonly cancelledWhileClaiming = new Set<string>();
  /** The store's claim-ahead cap (0: off). */
  private readonly aheadCap: number;
  /** Jobs claimed ahead that found no free slot yet, in claim order. */
  private ready: JobRecord[] = [];
  /** How many jobs the next claim asks for beyond the free slots (adapts, see the class comment). */
  private ahead = 0;
  /** The most free slots seen at once: the worker's concurrency, a bound for `ahead`. */
  private maxFree = 0;
  /** Jobs handed to slots so far: with the free slots, how many slots have freed so far. */
  private handed = 0;
  /** performance.now() and the slots freed so far when the last claim was issued. */
  private lastIssueAt = -1;
  private freedAtIssue = 0;
  /** Smoothed: slots freed per ms, and the claim round trip in ms. */
  private freeRate = 0;
  private claimRtt = 0;

  constructor(private readonly host: ClaimerHost) {
    this.aheadCap = Math.max(0, Math.floor(host.store.capabilities.claimAhead ?? 0));
    const overlap = Math.max(1, Math.floor(host.store.capabilities.claimsInFlight ?? 1));
    this.overlap = this.aheadCap === 0 ? overlap : 1;
  }

  /** The claim in flight, if any (stop() waits for it). Once stopping, jobs claimed ahead are handed over. */
  get claiming(): Promise<void> | undefined {
    if (!this.host.accepting && this.ready.length > 0) this.handOver();
    if (this.flights.size === 0) return undefined;
    return Promise.all(this.flights).then(() => undefined);
  }

  /** Jobs claimed ahead, waiting for a slot. */
  get waiting(): number {
    return this.ready.length;
  }

  schedule(): void {
    if (this.scheduled || !this.host.accepting) return;
    this.scheduled = true;
    if (this.turnStartedAt < 0 || performance.now() - this.turnStartedAt < TURN_BUDGET_MS) {
      queueMicrotask(this.fill);
    } else {
      setImmediate(this.fill);
    }
  }

  /** A job was cancelled that is not running here: if a claim is in flight, it must not start. */
  cancelled(jobId: string): void {
    if (this.flights.size > 0) this.cancelledWhileClaiming.add(jobId);
    if (this.ready.length > 0) this.ready = this.ready.filter((job) => job.id !== jobId);
  }

  /** True when the job was cancelled while the claim that returned it was in flight. */
  wasCancelled(jobId: string): boolean {
    return this.cancelledWhileClaiming.size > 0 && this.cancelledWhileClaiming.has(jobId);
  }

  private readonly fill = (): void => {
    this.scheduled = false;
    if (!this.host.accepting) {
      this.handOver();
      return;
    }
    if (this.ready.length > 0) this.startReady();
    if (this.overlap > 1) {
      this.fillOverlapping();
      return;
    }
    if (this.flights.size > 0) {
      this.wakeAgain = true;
      return;
    }
    const free = this.host.freeSlots();
    if (free > this.maxFree) this.maxFree = free;
    const ahead = this.aheadCap === 0 ? 0 : Math.max(0, this.ahead - this.ready.length);
    if (free + ahead <= 0) return;
    let request = this.host.request(free + ahead);
    if (ahead > 0 && hasLimits(request)) {
      if (free <= 0) return;
      request = this.host.request(free);
    }
    if (this.turnStartedAt < 0) {
      this.turnStartedAt = performance.now();
      setImmediate(this.endTurn);
    }
    if (this.aheadCap === 0) {
      this.issue(request, 0);
      return;
    }
    this.measureRate(free);
    const issuedAt = performance.now();
    const flight: Promise<void> = this.host.store.claim(request).then(
      (jobs) => {
        this.flights.delete(flight);
        this.claimRtt = smooth(this.claimRtt, performance.now() - issuedAt);
        this.claimed(jobs);
      },
      (error: unknown) => {
        this.flights.delete(flight);
        this.failed(error);
      },
    );
    this.flights.add(flight);
  };

  /**
   * Overlapping claims (the store's `claimsInFlight` > 1, no claim-ahead): each claim asks only for
   * slots that no claim in flight asked for, so they never claim beyond the free slots together; slots
   * that free together are split across the claims that may still go out, so the jobs of one run
   * while the store answers the next. A claim joining one in flight waits until it can ask for a
   * quarter of the worker's slots, so trickling frees do not turn into one call per job.
   */
  private fillOverlapping(): void {
    const slots = this.host.freeSlots();
    if (this.flights.size === 0 && slots > this.maxFree) this.maxFree = slots;
    let free = slots - this.asked;
    if (this.flights.size > 0 && (this.flights.size >= this.overlap || free < Math.ceil(this.maxFree / 4))) {
      this.wakeAgain = true;
      return;
    }
    if (free <= 0) return;
    if (this.turnStartedAt < 0) {
      this.turnStartedAt = performance.now();
      setImmediate(this.endTurn);
    }
    while (free > 0 && this.flights.size < this.overlap) {
      const limit = Math.ceil(free / (this.overlap - this.flights.size));
      this.issue(this.host.request(limit), limit);
      free -= limit;
    }
  }

  /** Sends one claim; `asked` is the free slots it counts against (0 on the one-at-a-time path). */
  private issue(request: Parameters<JobStore["claim"]>[0], asked: number): void {
    this.asked += asked;
    const flight: Promise<void> = this.host.store.claim(request).then(
      (jobs) => {
        this.flights.delete(flight);
        this.asked -= asked;
        this.claimed(jobs);
      },
      (error: unknown) => {
        this.flights.delete(flight);
        this.asked -= asked;
        this.failed(error);
      },
    );
    this.flights.add(flight);
  }

  /** Starts waiting jobs in the free slots; gives back those that waited a quarter of their lease. */
  private startReady(): void {
    const { now, leaseMs } = this.host.request(0);
    let free = this.host.freeSlots();
    const kept: JobRecord[] = [];
    for (const job of this.ready) {
      if (now - (job.startedAt ?? now) > leaseMs / 4) this.giveBack(job, now);
      else if (free > 0) {
        free -= 1;
        this.handed += 1;
        this.host.started(job);
      } else kept.push(job);
    }
    this.ready = kept;
  }

  /**
   * Adds jobs of a new claim to `ready`. The claim ranked them, but after the jobs already waiting,
   * which an earlier claim took; a job that would have ranked ahead of those goes first: one of a
   * higher priority than every waiting job, or (fair share) one of a tenant with no job waiting —
   * its round is at the head of the line (statements/rounds.ts). So a tenant's new job waits behind
   * no other tenant's claimed-ahead backlog.
   */
  private wait(jobs: JobRecord[]): void {
    if (this.ready.length === 0) {
      this.ready = jobs;
      return;
    }
    let top = Number.NEGATIVE_INFINITY;
    const tenants = new Set<string>();
    for (const job of this.ready) {
      if (job.priority > top) top = job.priority;
      tenants.add(job.tenantId);
    }
    const first: JobRecord[] = [];
    for (const job of jobs) {
      if (job.priority > top || !tenants.has(job.tenantId)) first.push(job);
      else this.ready.push(job);
    }
    if (first.length > 0) this.ready = [...first, ...this.ready];
  }

  /** Updates the smoothed rate at which slots free: slots freed since the last claim, per ms. */
  private measureRate(free: number): void {
    const now = performance.now();
    const freed = this.handed - (this.maxFree - free);
    if (this.lastIssueAt >= 0 && now > this.lastIssueAt) {
      const sample = Math.max(0, freed - this.freedAtIssue) / (now - this.lastIssueAt);
      this.freeRate = smooth(this.freeRate, sample);
    }
    this.lastIssueAt = now;
    this.freedAtIssue = freed;
  }

  /** Not accepting any more: the worker gives every waiting job back (as with one claimed during stop). */
  private handOver(): void {
    const jobs = this.ready;
    this.ready = [];
    for (const job of jobs) this.host.started(job);
  }

  private giveBack(job: JobRecord, now: number): void {
    const lease = { jobId: job.id, workerId: job.leaseOwner ?? "", attempt: job.attempts };
    // Should this fail, the lease simply expires and the job is reclaimed.
    this.host.store.release(lease, now).catch(() => false);
  }

  private readonly endTurn = (): void => {
    this.turnStartedAt = -1;
  };

  private readonly claimed = (jobs: JobRecord[]): void => {
    if (this.aheadCap === 0 || !this.host.accepting) {
      for (const job of jobs) this.host.started(job);
    } else {
      // The next claim asks, beyond the free slots, for as many as are expected to free during its
      // round trip (twice that, as a margin): many for jobs shorter than a claim, none for jobs that
      // outlast one.
      const expected = Math.round(this.freeRate * this.claimRtt * 2);
      this.ahead = Math.min(this.aheadCap, this.maxFree * AHEAD_PER_SLOT, expected);
      let slots = this.host.freeSlots();
      const later: JobRecord[] = [];
      for (const job of jobs) {
        if (this.cancelledWhileClaiming.has(job.id))
          this.host.started(job); // the worker drops it
        else if (slots > 0) {
          slots -= 1;
          this.handed += 1;
          this.host.started(job);
        } else later.push(job);
      }
      if (later.length > 0) this.wait(later);
    }
    // Another claim in flight may still return a job cancelled meanwhile.
    if (this.flights.size === 0) this.cancelledWhileClaiming.clear();
    if (this.wakeAgain) {
      this.wakeAgain = false;
      this.schedule();
    }
  };

  private readonly failed = (error: unknown): void => {
    if (this.flights.size === 0) {
      this.wakeAgain = false;
      this.cancelledWhileClaiming.clear();
    }
    this.host.logger.error("Claiming jobs failed; will try again at the next poll", { error: String(error) });
  };
}

/** An exponentially weighted moving average (the new sample weighs 0.3); the first sample as it is. */
function smooth(average: number, sample: number): number {
  return average === 0 ? sample : average * 0.7 + sample * 0.3;
}

/** True when the request carries a concurrency or rate limit for one of its types. */
function hasLimits(request: Parameters<JobStore["claim"]>[0]): boolean {
  const { limits } = request;
  if (limits === undefined) return false;
  for (const type of request.types) {
    const own = limits[type];
    if (own !== undefined && (own.concurrency !== undefined || own.rate !== undefined)) return true;
  }
  return false;
}
