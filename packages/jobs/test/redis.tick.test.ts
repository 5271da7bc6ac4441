import { expect, it, vi } from "vitest";
import type { RedisJobStore } from "../src/redis/index.js";
import type { ClaimRequest, JobEvent, JobRecord, Lease } from "../src/types.js";
import { DAY, eventually, newJob, T0, TYPE } from "./conformance/harness.js";
import { useRedisStores } from "./support/redis-stores.js";
import { describeIfService, redisAvailable, uniqueRedisPrefix } from "./support/services.js";

// The worker's round in one script call (tick.lua, decision 0012): completions and progress waiting
// for the end of the turn go with the claim issued in that turn; reports of one job fold into one write;
// a batched call's events reach subscribers as one message, in order.

const available = await redisAvailable();
const stores = useRedisStores(available);

const leaseOf = (job: JobRecord): Lease => ({
  jobId: job.id,
  workerId: job.leaseOwner!,
  attempt: job.attempts,
});

const request = (limit: number, now = T0): ClaimRequest => ({
  workerId: "w1",
  limit,
  leaseMs: 60_000,
  now,
  types: [TYPE],
});

/** Counts the script calls the store sends (ioredis sends each as EVALSHA or EVAL), by script body. */
function countCalls(store: RedisJobStore) {
  const send = store.client.sendCommand.bind(store.client);
  const calls: number[] = [];
  const spy = vi.spyOn(store.client, "sendCommand").mockImplementation((command, stream) => {
    if (command && /^eval/i.test(command.name)) calls.push(command.args.length);
    return send(command, stream);
  });
  return { calls, restore: () => spy.mockRestore() };
}

describeIfService("redis store: one script call per round", available, () => {
  it("sends the turn's completions with the claim issued in the same turn, and answers both", async () => {
    const store = await stores.open({ prefix: uniqueRedisPrefix() });
    await store.enqueueMany(Array.from({ length: 6 }, () => newJob()));
    const first = await store.claim(request(3));
    const counter = countCalls(store);
    const stale: Lease = { ...leaseOf(first[0]!), attempt: 7 };
    const completions = [
      store.complete(stale, "stale", T0 + 1, DAY),
      ...first.slice(1).map((job) => store.complete(leaseOf(job), { ok: job.id }, T0 + 1, DAY)),
    ];
    const next = await store.claim(request(3, T0 + 1));
    expect(await Promise.all(completions)).toEqual([false, true, true]);
    counter.restore();
    expect(counter.calls).toHaveLength(1);
    expect(next).toHaveLength(3);
    expect(next.every((job) => job.status === "running" && job.leaseOwner === "w1")).toBe(true);
    // The claim's compact answer and a full read agree.
    for (const job of next) expect(await store.get(null, job.id)).toEqual(job);
    expect(await store.get(null, first[1]!.id)).toMatchObject({
      status: "complete",
      result: { ok: first[1]!.id },
    });
    expect(await store.get(null, first[0]!.id)).toMatchObject({ status: "running" });
  });

  it("writes waiting with no claim to take them leave at the end of the turn", async () => {
    const store = await stores.open({ prefix: uniqueRedisPrefix() });
    await store.enqueueMany([newJob(), newJob()]);
    const jobs = await store.claim(request(2));
    const done = await Promise.all(jobs.map((job) => store.complete(leaseOf(job), null, T0 + 1, DAY)));
    expect(done).toEqual([true, true]);
    expect((await store.countByStatus("tenant_a")).complete).toBe(2);
  });

  it("folds the reports of one job waiting together into one write, and sends the completion after it in the same call", async () => {
    const prefix = uniqueRedisPrefix();
    const store = await stores.open({ prefix });
    const listener = await stores.open({ prefix });
    const events: JobEvent[] = [];
    listener.subscribe((event) => events.push(event));
    // Written through the listener: its writes wait for its subscription, so it sees all that follows.
    const { job } = await listener.enqueue(newJob());
    const [claimed] = await store.claim(request(1));
    const lease = leaseOf(claimed!);
    const counter = countCalls(store);
    const writes = [
      store.updateProgress(lease, 30, "step 1", T0 + 1),
      store.updateProgress(lease, 20, null, T0 + 2), // lower: progress never goes back
      store.updateProgress(lease, 60, "step 3", T0 + 3),
      store.complete(lease, "done", T0 + 4, DAY),
    ];
    expect(await Promise.all(writes)).toEqual([true, true, true, true]);
    counter.restore();
    expect(counter.calls).toHaveLength(1);
    await eventually(() =>
      expect(events.map((e) => e.kind)).toEqual(["enqueued", "started", "progress", "completed"]),
    );
    expect(events[2]).toMatchObject({ jobId: job.id, progress: 60, message: "step 3", status: "running" });
    expect(events[3]).toMatchObject({ jobId: job.id, progress: 100, message: "step 3", status: "complete" });
    expect(await store.get(null, job.id)).toMatchObject({
      status: "complete",
      progress: 100,
      message: "step 3",
    });
  });

  it("delivers every event of a batched call to subscribers in the order the call made them", async () => {
    const prefix = uniqueRedisPrefix();
    const store = await stores.open({ prefix });
    const listener = await stores.open({ prefix });
    const events: JobEvent[] = [];
    listener.subscribe((event) => events.push(event));
    await listener.enqueueMany(Array.from({ length: 5 }, () => newJob())); // after its subscription
    const first = await store.claim(request(5));
    for (const job of first) void store.complete(leaseOf(job), null, T0 + 1, DAY);
    await store.claim(request(5, T0 + 1)); // nothing left: the completions went with it
    await eventually(() => expect(events).toHaveLength(15));
    const ids = first.map((job) => job.id);
    expect(events.slice(5, 10).map((e) => [e.kind, e.jobId])).toEqual(ids.map((id) => ["started", id]));
    expect(events.slice(10).map((e) => [e.kind, e.jobId, e.status])).toEqual(
      ids.map((id) => ["completed", id, "complete"]),
    );
  });
});
