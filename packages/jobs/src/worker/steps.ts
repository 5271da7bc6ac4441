import { JobsError, UnrecoverableError } from "../errors.js";
import { type ChildOutcome, checkGroupSize, enqueueGroup, flowsOf, groupOutcomes } from "../flows/groups.js";
import { childGroupId } from "../flows/ids.js";
import { nonJsonAt } from "../flows/json.js";
import type { FlowStore, StepRecord } from "../flows/types.js";
import type { Queue, TaskRef } from "../queue.js";
import type { Json, Lease } from "../types.js";

/**
 * Thrown out of the handler by `ctx.sleep`, `ctx.waitUntil` and `ctx.waitForChildren` to end the
 * attempt without an outcome: the worker suspends the job (pending until `runAt`, the attempt not
 * counted) instead of completing or failing it. A handler must let it pass (rethrow what it catches).
 */
export class Suspension extends Error {
  override readonly name = "Suspension";
  constructor(
    readonly runAt: number,
    /** Waiting for children: after suspending, re-check them (the last may have ended meanwhile). */
    readonly waitingForChildren: boolean,
  ) {
    super("The job is suspended until it is woken (ctx.sleep, ctx.waitForChildren); let this error pass.");
  }
}

/** How long a parent waiting for children sleeps at most before it checks them itself. */
export const CHILDREN_RECHECK_MS = 5 * 60 * 1000;

export interface SpawnedChildren {
  groupId: string;
  jobIds: string[];
}

export interface WaitForChildrenOptions {
  /**
   * true (the default): if a child failed or was cancelled, the parent's attempt fails for good
   * (UnrecoverableError naming the children). false: the outcomes are returned whatever they are.
   */
  failParent?: boolean;
}

/** What a run needs from its worker for flows. */
export interface FlowHost {
  readonly queue: Queue;
  readonly lease: Lease;
  readonly jobId: string;
  readonly tenantId: string;
  /** Called when a step write was refused: the lease is gone. */
  leaseLost(): Error;
}

/** How an issued step write ended: stored, refused (the lease is gone), or the store's error. */
export type StepWriteOutcome = typeof STEP_SAVED | typeof STEP_LEASE_LOST | { error: unknown };
export const STEP_SAVED = "saved";
export const STEP_LEASE_LOST = "lease_lost";

/** Step writes not yet awaited, by the attempt's lease (the outcome write awaits or joins them). */
const unsettled = new WeakMap<Lease, Promise<StepWriteOutcome>>();

/** The attempt's last step write that the handler did not wait for; it never rejects. */
export function unsettledStepWrite(lease: Lease): Promise<StepWriteOutcome> | undefined {
  return unsettled.get(lease);
}

/**
 * The JSON copy of a step's result, so the first run sees exactly what a replay will read back;
 * refuses what is not JSON. Strings, booleans, null and finite numbers are their own copy.
 */
function jsonCopy(name: string, result: unknown): Json {
  const kind = typeof result;
  if (
    result === null ||
    kind === "string" ||
    kind === "boolean" ||
    (kind === "number" && Number.isFinite(result))
  )
    return result as Json;
  const wrong = nonJsonAt(result);
  if (wrong !== null)
    throw new JobsError(
      "invalid_input",
      `ctx.step("${name}") returned a value that is not JSON (${wrong}); return plain objects, arrays, strings, finite numbers, booleans or null.`,
    );
  return JSON.parse(JSON.stringify(result)) as Json;
}

/**
 * The flow side of one attempt (`ctx.step`, `ctx.sleep`, `ctx.spawn`, `ctx.waitForChildren`),
 * created the first time the handler uses one of them. Stored steps are read once, lazily.
 */
export class FlowRun {
  private stored: Map<string, StepRecord> | undefined;
  private readonly used = new Set<string>();
  /** The last step's write, issued and not yet awaited by the run. */
  private writing: Promise<StepWriteOutcome> | undefined;
  /** The step whose fn is running now (spawn is only allowed there), and how many spawns it made. */
  private current: { name: string; spawns: number } | undefined;

  constructor(private readonly host: FlowHost) {}

  private get flows(): FlowStore {
    return flowsOf(this.host.queue.store, "ctx.step");
  }

  private async steps(): Promise<Map<string, StepRecord>> {
    if (this.stored === undefined) {
      const list = await this.flows.loadSteps(this.host.jobId);
      this.stored = new Map(list.map((step) => [step.name, step]));
    }
    return this.stored;
  }

  private claimName(call: string, name: string): void {
    const problem = this.nameProblem(name);
    if (problem !== null) throw problem(call);
    this.used.add(name);
  }

  /** Why `name` cannot be used now, as the error for a call; null when it can (built only if so). */
  private nameProblem(name: string): ((call: string) => JobsError) | null {
    if (typeof name !== "string" || name.length === 0 || name.length > 200)
      return (call) =>
        new JobsError("invalid_input", `${call}: a step name must be a string of 1 to 200 characters.`);
    if (this.used.has(name))
      return (call) =>
        new JobsError(
          "invalid_input",
          `${call}: a step named "${name}" already ran in this run of the handler; step names must be unique within a job (add an index, e.g. "${name}:2").`,
        );
    return null;
  }

  /** Stores a step and waits for the answer (sleeps: the suspension follows at once). */
  private async save(step: StepRecord): Promise<void> {
    const queue = this.host.queue;
    if (!(await this.flows.saveStep(this.host.lease, step, queue.clock.now(), this.stored?.size)))
      throw this.host.leaseLost();
    this.stored?.set(step.name, step);
  }

  /**
   * Issues a finished step's write without waiting for it: the handler goes on while it is in flight.
   * It is awaited before the next step's fn, a sleep, or the attempt's outcome (record-outcome.ts),
   * so a step is stored before anything the job does through the engine after it; a completion may
   * be written with it (steps-outcome.ts).
   */
  private issue(step: StepRecord): void {
    const lease = this.host.lease;
    // The step's ordinal is how many steps this run knows (loaded, then issued): the store need not
    // count them. Only new names are saved, so it grows by one per step.
    const write: Promise<StepWriteOutcome> = this.flows
      .saveStep(lease, step, this.host.queue.clock.now(), this.stored?.size)
      .then(
        (held) => (held ? STEP_SAVED : STEP_LEASE_LOST),
        (error: unknown) => ({ error }),
      );
    this.writing = write;
    unsettled.set(lease, write);
    this.stored?.set(step.name, step);
  }

  /** Waits for the last issued step write, if any; throws what a waited-for write would have. */
  private settle(): Promise<void> | undefined {
    const writing = this.writing;
    return writing === undefined ? undefined : this.settled(writing);
  }

  private async settled(writing: Promise<StepWriteOutcome>): Promise<void> {
    const outcome = await writing;
    if (this.writing === writing) {
      this.writing = undefined;
      unsettled.delete(this.host.lease);
    }
    if (outcome === STEP_SAVED) return;
    if (outcome === STEP_LEASE_LOST) throw this.host.leaseLost();
    throw outcome.error;
  }

  async step<T>(name: string, fn: () => T | Promise<T>): Promise<T> {
    // Runs once per step of every job: the call's name is built only for an error message.
    const problem = this.nameProblem(name);
    if (problem !== null) throw problem(`ctx.step("${name}")`);
    this.used.add(name);
    const done = (this.stored ?? (await this.steps())).get(name);
    if (done !== undefined) return done.result as T;
    if (this.current !== undefined)
      throw new JobsError(
        "invalid_input",
        `ctx.step("${name}") was called inside ctx.step("${this.current.name}"); steps cannot be nested.`,
      );
    const clock = this.host.queue.clock;
    const startedAt = clock.now();
    this.current = { name, spawns: 0 };
    let value: unknown;
    try {
      // The previous step is stored before this one's fn runs: a kill in between never re-runs it.
      const settling = this.settle();
      if (settling !== undefined) await settling;
      // A fn that returns at once is not awaited (one microtask less); a promise or thenable is.
      value = fn();
      if (typeof (value as PromiseLike<unknown> | null)?.then === "function") value = await value;
    } finally {
      this.current = undefined;
    }
    const json = jsonCopy(name, value === undefined ? null : value);
    this.issue({ name, status: "complete", result: json, startedAt, finishedAt: clock.now() });
    return json as T;
  }

  async sleepUntil(call: string, name: string, until: number): Promise<void> {
    this.claimName(call, name);
    if (!Number.isFinite(until))
      throw new JobsError(
        "invalid_input",
        `${call}: the wake-up time must be a finite number of ms or a valid Date.`,
      );
    const clock = this.host.queue.clock;
    const done = (await this.steps()).get(name);
    const wakeAt =
      done === undefined ? until : Number((done.result as { sleepUntil?: number } | null)?.sleepUntil ?? 0);
    if (done === undefined) {
      const now = clock.now();
      if (until <= now) return;
      const settling = this.settle();
      if (settling !== undefined) await settling;
      await this.save({
        name,
        status: "complete",
        result: { sleepUntil: until },
        startedAt: now,
        finishedAt: now,
      });
    }
    if (wakeAt <= clock.now()) return;
    throw new Suspension(wakeAt, false);
  }

  async spawn(task: TaskRef<unknown>, inputs: readonly unknown[]): Promise<SpawnedChildren> {
    const call = `ctx.spawn("${typeof task === "string" ? task : task.name}")`;
    const current = this.current;
    if (current === undefined)
      throw new JobsError(
        "invalid_input",
        `${call} must be called inside ctx.step(name, fn), so a retry of the job does not spawn the children twice.`,
      );
    if (!Array.isArray(inputs)) throw new JobsError("invalid_input", `${call}: inputs must be an array.`);
    checkGroupSize(call, inputs.length);
    const groupId = childGroupId(this.host.jobId, current.name, current.spawns);
    current.spawns += 1;
    const queue = this.host.queue;
    const jobIds = await enqueueGroup(
      queue,
      {
        id: groupId,
        tenantId: this.host.tenantId,
        parentJobId: this.host.jobId,
        total: inputs.length,
        remaining: inputs.length,
        onComplete: null,
        done: false,
        createdAt: queue.clock.now(),
      },
      task,
      inputs,
      { tenantId: this.host.tenantId },
    );
    return { groupId, jobIds };
  }

  async waitForChildren(options: WaitForChildrenOptions = {}): Promise<ChildOutcome[]> {
    const queue = this.host.queue;
    const groups = await flowsOf(queue.store, "ctx.waitForChildren").groupsOf(this.host.jobId);
    if (groups.some((group) => group.remaining > 0))
      throw new Suspension(queue.clock.now() + CHILDREN_RECHECK_MS, true);
    const outcomes: ChildOutcome[] = [];
    for (const group of groups) outcomes.push(...(await groupOutcomes(queue.store, group)));
    if (options.failParent !== false) {
      const bad = outcomes.filter((o) => o.status !== "complete");
      if (bad.length > 0) {
        const first = bad[0] as ChildOutcome;
        throw new UnrecoverableError(
          `ctx.waitForChildren(): ${bad.length} of ${outcomes.length} children did not complete (${first.jobId} ${first.status}${first.error ? `: ${first.error.message}` : ""}). Pass { failParent: false } to handle failures yourself.`,
        );
      }
    }
    return outcomes;
  }
}

/** After the attempt was suspended: wake the job at once if its children all ended meanwhile. */
export async function recheckChildren(queue: Queue, jobId: string): Promise<void> {
  const flows = flowsOf(queue.store, "ctx.waitForChildren");
  const groups = await flows.groupsOf(jobId);
  if (groups.every((group) => group.remaining === 0)) await flows.wake(jobId, queue.clock.now());
}
