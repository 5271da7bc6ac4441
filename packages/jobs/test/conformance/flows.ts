import { describe, expect, it } from "vitest";
import type { FlowCapableStore } from "../../src/flows/groups.js";
import { type GroupRecord, MAX_GROUP_SIZE } from "../../src/flows/types.js";
import { startSweeper } from "../../src/sweeper.js";
import type { JobRecord } from "../../src/types.js";
import { gate, startEngine, testTask } from "./engine-harness.js";
import { eventually, leaseOf, newJob, type StoreHarness, T0, TENANT, TYPE } from "./harness.js";

const flowsOf = (h: StoreHarness) => (h.store as FlowCapableStore).flows;

export function flowTests(h: StoreHarness, hasFlows: boolean): void {
  describe.skipIf(!hasFlows)(hasFlows ? "flows" : "flows (skipped: this store has no store.flows)", () => {
    flowSuite(h);
  });
}

function flowSuite(h: StoreHarness): void {
  describe("flows: store primitives", () => {
    it("a step is saved under the attempt's lease only, and read back in order", async () => {
      await h.store.enqueue(newJob());
      const [job] = (await h.store.claim({
        workerId: "w1",
        limit: 1,
        leaseMs: 1000,
        now: T0,
        types: [TYPE],
      })) as [JobRecord];
      const lease = leaseOf(job);
      const flows = flowsOf(h);
      expect(
        await flows.saveStep(
          lease,
          { name: "a", status: "complete", result: { rows: [1, 2] }, startedAt: T0, finishedAt: T0 + 5 },
          T0,
        ),
      ).toBe(true);
      expect(
        await flows.saveStep(
          lease,
          { name: "b", status: "complete", result: "two", startedAt: T0 + 5, finishedAt: T0 + 9 },
          T0,
        ),
      ).toBe(true);
      expect(
        await flows.saveStep(
          { ...lease, workerId: "w2" },
          { name: "c", status: "complete", result: 3, startedAt: T0, finishedAt: T0 },
          T0,
        ),
      ).toBe(false);
      expect(await flows.loadSteps(job.id)).toEqual([
        { name: "a", status: "complete", result: { rows: [1, 2] }, startedAt: T0, finishedAt: T0 + 5 },
        { name: "b", status: "complete", result: "two", startedAt: T0 + 5, finishedAt: T0 + 9 },
      ]);
    });

    it("suspend puts the job back to pending at its run-at, the attempt not counted; wake makes it due", async () => {
      const { job: queued } = await h.store.enqueue(newJob());
      const [job] = (await h.store.claim({
        workerId: "w1",
        limit: 1,
        leaseMs: 1000,
        now: T0,
        types: [TYPE],
      })) as [JobRecord];
      const flows = flowsOf(h);
      expect(await flows.suspend({ ...leaseOf(job), workerId: "other" }, T0 + 60_000, T0)).toBe(false);
      expect(await flows.suspend(leaseOf(job), T0 + 60_000, T0 + 1)).toBe(true);
      expect(await h.store.get(null, queued.id)).toMatchObject({
        status: "pending",
        attempts: 0,
        runAt: T0 + 60_000,
        leaseOwner: null,
      });
      const claimNow = () =>
        h.store.claim({ workerId: "w2", limit: 1, leaseMs: 1000, now: T0 + 10, types: [TYPE] });
      expect(await claimNow()).toEqual([]);
      expect(await flows.wake(queued.id, T0 + 10)).toBe(true);
      expect(await claimNow()).toMatchObject([{ id: queued.id, attempts: 1 }]);
      expect(await flows.wake(queued.id, T0 + 10)).toBe(false);
    });

    it("a group counts each member's end once; the count reaches 0 exactly once", async () => {
      const flows = flowsOf(h);
      const group = {
        id: "grp_conformance",
        tenantId: TENANT,
        parentJobId: "job_parent",
        total: 3,
        remaining: 3,
        onComplete: null,
        done: false,
        createdAt: T0,
      };
      expect(await flows.createGroup(group)).toEqual(group);
      expect(await flows.createGroup({ ...group, total: 9, remaining: 9 })).toEqual(group);
      const ends = await Promise.all([0, 1, 1, 2, 2, 2, 7].map((i) => flows.memberEnded(group.id, i)));
      expect(ends.filter((n) => n === 0)).toHaveLength(1);
      expect(ends.filter((n) => n === null)).toHaveLength(4);
      expect(await flows.getGroup(group.id)).toMatchObject({ remaining: 0, done: false });
      expect(await flows.groupsOf("job_parent")).toMatchObject([{ id: group.id }]);
      expect(await flows.openGroups(10)).toMatchObject([{ id: group.id }]);
      await flows.markGroupDone(group.id);
      expect(await flows.openGroups(10)).toEqual([]);
      expect(await flows.memberEnded("grp_unknown", 0)).toBeNull();
    });
  });

  describe("flows: steps", () => {
    it("a step's fn runs exactly once across a crash after it finished; the next attempt resumes after it", async () => {
      const runs = { parse: 0, book: 0 };
      const task = testTask(
        "resumable",
        async (ctx) => {
          const rows = await ctx.step("parse", () => {
            runs.parse += 1;
            return { rows: ctx.input.n };
          });
          const booked = await ctx.step("book", () => {
            runs.book += 1;
            return rows.rows * 2;
          });
          return { booked };
        },
        { retries: 2 },
      );
      const engine = startEngine(h, [task]);
      const { job } = await engine.queue.enqueue(task, { n: 21 }, { tenantId: TENANT });
      // The first worker took the job, finished "parse" and died before "book".
      const [claimed] = (await h.store.claim({
        workerId: "dead",
        limit: 1,
        leaseMs: 1000,
        now: engine.clock.now(),
        types: ["resumable"],
      })) as [JobRecord];
      const now = engine.clock.now();
      expect(
        await flowsOf(h).saveStep(
          leaseOf(claimed),
          { name: "parse", status: "complete", result: { rows: 21 }, startedAt: now, finishedAt: now },
          now,
        ),
      ).toBe(true);
      engine.worker({ reclaimIntervalMs: 500 });
      const done = await engine.advanceUntil(async () => {
        const j = await engine.queue.get(TENANT, job.id);
        if (j.status !== "complete") throw new Error(`still ${j.status}`);
        return j;
      }, 500);
      expect(done.result).toEqual({ booked: 42 });
      expect(runs).toEqual({ parse: 0, book: 1 });
      const info = await engine.queue.flow(TENANT, job.id);
      expect(info.steps.map((s) => s.name)).toEqual(["parse", "book"]);
    });

    it("a retried attempt gets the stored results; a step that threw is run again", async () => {
      let calls = 0;
      let flaky = 0;
      const task = testTask(
        "retry_steps",
        async (ctx) => {
          const a = await ctx.step("a", () => {
            calls += 1;
            return [1, 2, 3];
          });
          const b = await ctx.step("b", () => {
            flaky += 1;
            if (flaky === 1) throw new Error("provider timeout");
            return a.length;
          });
          return b;
        },
        { retries: 1 },
      );
      const engine = startEngine(h, [task]);
      const { job } = await engine.queue.enqueue(task, { n: 1 }, { tenantId: TENANT });
      engine.worker();
      const done = await engine.advanceUntil(async () => {
        const j = await engine.queue.get(TENANT, job.id);
        if (j.status !== "complete") throw new Error(`still ${j.status}`);
        return j;
      }, 500);
      expect(done).toMatchObject({ result: 3, attempts: 2 });
      expect({ calls, flaky }).toEqual({ calls: 1, flaky: 2 });
    });

    it("refuses a duplicate step name, a non-JSON result and spawn outside a step, naming the call", async () => {
      const dup = testTask("dup_step", async (ctx) => {
        await ctx.step("load", () => 1);
        await ctx.step("load", () => 2);
      });
      const date = testTask("date_step", async (ctx) => ctx.step("when", () => ({ at: new Date(0) })));
      const loose = testTask("loose_spawn", async (ctx) => ctx.spawn("dup_step", [{ n: 1 }]));
      const engine = startEngine(h, [dup, date, loose]);
      const ids = await Promise.all(
        [dup, date, loose].map(
          async (t) => (await engine.queue.enqueue(t, { n: 1 }, { tenantId: TENANT })).job.id,
        ),
      );
      engine.worker();
      const [a, b, c] = await Promise.all(ids.map((id) => engine.until(id, "failed")));
      expect(a?.error?.message).toMatch(/ctx\.step\("load"\).*unique/);
      expect(b?.error?.message).toMatch(/ctx\.step\("when"\).*not JSON.*result\.at is a Date/);
      expect(c?.error?.message).toMatch(/ctx\.spawn\("dup_step"\) must be called inside ctx\.step/);
      expect(a?.error?.code).toBe("invalid_input");
    });
  });

  describe("flows: sleep", () => {
    it("a sleeping job holds no slot: a worker of concurrency 1 runs other jobs meanwhile, then resumes it", async () => {
      let before = 0;
      const sleeper = testTask("sleeper", async (ctx) => {
        await ctx.step("before", () => {
          before += 1;
          return null;
        });
        await ctx.sleep("nap", 60_000);
        return "woke";
      });
      const quick = testTask("quick", (ctx) => ctx.input.n);
      const engine = startEngine(h, [sleeper, quick]);
      const { job } = await engine.queue.enqueue(sleeper, { n: 0 }, { tenantId: TENANT });
      engine.worker({ concurrency: 1 });
      await eventually(async () => {
        const j = await engine.queue.get(TENANT, job.id);
        if (j.status !== "pending" || j.runAt <= engine.clock.now())
          throw new Error(`sleeper is ${j.status}`);
      });
      const others = await engine.queue.enqueueMany(quick, [{ n: 1 }, { n: 2 }], { tenantId: TENANT });
      for (const { job: other } of others) await engine.until(other.id, "complete");
      expect((await engine.queue.get(TENANT, job.id)).status).toBe("pending");
      const done = await engine.advanceUntil(
        async () => {
          const j = await engine.queue.get(TENANT, job.id);
          if (j.status !== "complete") throw new Error(`still ${j.status}`);
          return j;
        },
        5_000,
        30,
      );
      expect(done).toMatchObject({ result: "woke", attempts: 1 });
      expect(before).toBe(1);
    });
  });

  describe("flows: children", () => {
    it("a parent spawns children in a step, waits without a slot, and gets their results", async () => {
      let spawned = 0;
      const child = testTask("chunk", (ctx) => ({ doubled: ctx.input.n * 2 }));
      const parent = testTask("parent", async (ctx) => {
        await ctx.step("fan-out", async () => {
          spawned += 1;
          return (await ctx.spawn(child, [{ n: 1 }, { n: 2 }, { n: 3 }])).jobIds;
        });
        const outcomes = await ctx.waitForChildren();
        return outcomes.map((o) => (o.result as { doubled: number }).doubled);
      });
      const engine = startEngine(h, [child, parent]);
      const { job } = await engine.queue.enqueue(parent, { n: 0 }, { tenantId: TENANT });
      engine.worker({ concurrency: 1 });
      const done = await engine.advanceUntil(
        async () => {
          const j = await engine.queue.get(TENANT, job.id);
          if (j.status !== "complete") throw new Error(`still ${j.status}`);
          return j;
        },
        100,
        100,
      );
      expect(done).toMatchObject({ result: [2, 4, 6], attempts: 1 });
      expect(spawned).toBe(1);
      const info = await engine.queue.flow(TENANT, job.id);
      expect(info.children).toMatchObject({ total: 3, ended: 3 });
      const page = await engine.queue.list({ tenantId: TENANT, type: "chunk" });
      expect(page.jobs).toHaveLength(3);
      const childInfo = await engine.queue.flow(TENANT, page.jobs[0]?.id as string);
      expect(childInfo.parentId).toBe(job.id);
    });

    it("a failed child fails the parent by default; with failParent: false the parent gets the failures", async () => {
      const child = testTask("picky", (ctx) => {
        if (ctx.input.n === 2) throw new Error("chunk 2 is corrupt");
        return ctx.input.n;
      });
      const strict = testTask("strict_parent", async (ctx) => {
        await ctx.step("spawn", () => ctx.spawn(child, [{ n: 1 }, { n: 2 }]));
        return (await ctx.waitForChildren()).length;
      });
      const lenient = testTask("lenient_parent", async (ctx) => {
        await ctx.step("spawn", () => ctx.spawn(child, [{ n: 1 }, { n: 2 }]));
        return (await ctx.waitForChildren({ failParent: false })).map((o) => o.status);
      });
      const engine = startEngine(h, [child, strict, lenient]);
      const { job: s } = await engine.queue.enqueue(strict, { n: 0 }, { tenantId: TENANT });
      const { job: l } = await engine.queue.enqueue(lenient, { n: 0 }, { tenantId: TENANT });
      engine.worker();
      const [sj, lj] = await engine.advanceUntil(
        async () => {
          const a = await engine.queue.get(TENANT, s.id);
          const b = await engine.queue.get(TENANT, l.id);
          if (
            a.status === "pending" ||
            a.status === "running" ||
            b.status === "pending" ||
            b.status === "running"
          )
            throw new Error("not done");
          return [a, b];
        },
        100,
        100,
      );
      expect(sj).toMatchObject({ status: "failed" });
      expect(sj?.error?.message).toMatch(
        /waitForChildren\(\): 1 of 2 children did not complete.*chunk 2 is corrupt/,
      );
      expect(lj).toMatchObject({ status: "complete", result: ["complete", "failed"] });
    });

    it("cancelling a parent cancels its children", async () => {
      const hold = gate();
      const child = testTask("slow_chunk", async (ctx) => {
        if (ctx.input.n > 1) await hold.promise;
        return 1;
      });
      const parent = testTask("cancelled_parent", async (ctx) => {
        await ctx.step("spawn", () => ctx.spawn(child, [{ n: 1 }, { n: 2 }, { n: 3 }]));
        return (await ctx.waitForChildren()).length;
      });
      const engine = startEngine(h, [child, parent]);
      const { job } = await engine.queue.enqueue(parent, { n: 0 }, { tenantId: TENANT });
      engine.worker({ concurrency: 2 });
      await eventually(async () => {
        const info = await engine.queue.flow(TENANT, job.id);
        const j = await engine.queue.get(TENANT, job.id);
        if (info.children.total !== 3 || info.children.ended !== 1 || j.status !== "pending")
          throw new Error("parent not waiting yet");
      });
      expect((await engine.queue.cancel(TENANT, job.id)).status).toBe("cancelled");
      const children = await engine.queue.list({ tenantId: TENANT, type: "slow_chunk" });
      // The child that had completed keeps its outcome; the others are cancelled.
      expect(children.jobs.map((c) => c.status).sort()).toEqual(["cancelled", "cancelled", "complete"]);
      hold.open();
    });
  });

  describe("flows: batches", () => {
    it("a batch's completion job runs exactly once with 3 workers racing", async () => {
      let completions = 0;
      const member = testTask("member", (ctx) => ctx.input.n);
      const done = testTask("batch_done", () => {
        completions += 1;
        return "booked";
      });
      const engine = startEngine(h, [member, done]);
      const inputs = Array.from({ length: 30 }, (_, n) => ({ n }));
      const batch = await engine.queue.enqueueBatch(member, inputs, {
        tenantId: TENANT,
        onComplete: { task: done, input: { n: -1 } },
      });
      expect(batch.jobIds).toHaveLength(30);
      for (let i = 0; i < 3; i++) engine.worker({ concurrency: 4 });
      await engine.advanceUntil(
        async () => {
          const page = await engine.queue.list({ tenantId: TENANT, type: "batch_done" });
          if (page.jobs[0]?.status !== "complete") throw new Error("completion not done");
        },
        100,
        100,
      );
      // A sweep afterwards (as after a crash) finds nothing left to do.
      expect(await engine.queue.sweepFlows()).toBe(0);
      const page = await engine.queue.list({ tenantId: TENANT, type: "batch_done" });
      expect(page.jobs).toHaveLength(1);
      expect(completions).toBe(1);
      const members = await engine.queue.list({ tenantId: TENANT, type: "member", limit: 100 });
      expect(members.jobs.every((j) => j.status === "complete")).toBe(true);
    });

    it("the sweep finishes a batch whose last member's end was never counted (the process died)", async () => {
      const member = testTask("lost_member", (ctx) => ctx.input.n);
      const done = testTask("lost_done", () => "ok");
      const engine = startEngine(h, [member, done]);
      const batch = await engine.queue.enqueueBatch(member, [{ n: 1 }], {
        tenantId: TENANT,
        onComplete: { task: done, input: { n: 0 } },
      });
      // The member completes through the store alone, as if its worker died before counting it.
      const [claimed] = (await h.store.claim({
        workerId: "w",
        limit: 1,
        leaseMs: 1000,
        now: engine.clock.now(),
        types: ["lost_member"],
      })) as [JobRecord];
      expect(claimed.id).toBe(batch.jobIds[0]);
      expect(await h.store.complete(leaseOf(claimed), 1, engine.clock.now(), 60_000)).toBe(true);
      expect((await engine.queue.list({ tenantId: TENANT, type: "lost_done" })).jobs).toHaveLength(0);
      expect(await engine.queue.sweepFlows()).toBe(1);
      expect((await engine.queue.list({ tenantId: TENANT, type: "lost_done" })).jobs).toHaveLength(1);
      expect(await engine.queue.sweepFlows()).toBe(0);
    });

    it("refuses a batch of 0 or more than the maximum, naming the call", async () => {
      const member = testTask("sized", (ctx) => ctx.input.n);
      const engine = startEngine(h, [member]);
      await expect(engine.queue.enqueueBatch(member, [], { tenantId: TENANT })).rejects.toThrow(
        /queue\.enqueueBatch\("sized"\) was given 0 inputs; give between 1 and 1000/,
      );
      const many = Array.from({ length: MAX_GROUP_SIZE + 1 }, (_, n) => ({ n }));
      await expect(engine.queue.enqueueBatch(member, many, { tenantId: TENANT })).rejects.toThrow(
        /was given 1001 inputs/,
      );
      expect((await engine.queue.list({ tenantId: TENANT, type: "sized" })).jobs).toHaveLength(0);
    });
  });

  describe("flows: retention", () => {
    const HOUR = 60 * 60 * 1000;

    it("a swept job leaves no steps: a parent's groups go with it, a batch with its last member and completion", async () => {
      const child = testTask("kept_child", async (ctx) => ctx.step("double", () => ctx.input.n * 2));
      const parent = testTask("kept_parent", async (ctx) => {
        await ctx.step("spawn", async () => (await ctx.spawn(child, [{ n: 1 }, { n: 2 }])).jobIds);
        return (await ctx.waitForChildren()).length;
      });
      const member = testTask("kept_member", async (ctx) => ctx.step("once", () => ctx.input.n));
      const done = testTask("kept_done", () => "ok");
      const engine = startEngine(h, [child, parent, member, done]);
      const flows = flowsOf(h);
      const { job } = await engine.queue.enqueue(parent, { n: 0 }, { tenantId: TENANT });
      const batch = await engine.queue.enqueueBatch(member, [{ n: 1 }, { n: 2 }], {
        tenantId: TENANT,
        onComplete: { task: done, input: { n: 0 } },
      });
      const worker = engine.worker({ concurrency: 2 });
      await engine.advanceUntil(
        async () => {
          const p = await engine.queue.get(TENANT, job.id);
          const page = await engine.queue.list({ tenantId: TENANT, type: "kept_done" });
          if (p.status !== "complete" || page.jobs[0]?.status !== "complete") throw new Error("not done yet");
        },
        100,
        100,
      );
      await worker.stop();
      const groups = await flows.groupsOf(job.id);
      expect(groups).toHaveLength(1);
      const childIds = (await engine.queue.list({ tenantId: TENANT, type: "kept_child" })).jobs.map(
        (j) => j.id,
      );
      const stepped = [job.id, ...childIds, ...batch.jobIds];
      for (const id of stepped) expect(await flows.loadSteps(id)).toHaveLength(1);
      expect(await flows.getGroup(batch.batchId)).toMatchObject({ done: true, remaining: 0 });

      // Past the retention (1 hour in startEngine), the sweeper removes every job of both flows.
      engine.clock.set(engine.clock.now() + 2 * HOUR);
      const sweeper = startSweeper(engine.queue, { batchSize: 3 });
      expect(await sweeper.sweepNow()).toBe(1 + 2 + 2 + 1);
      await sweeper.stop();
      expect((await engine.queue.list({ tenantId: TENANT })).jobs).toEqual([]);
      for (const id of stepped) expect(await flows.loadSteps(id)).toEqual([]);
      expect(await flows.groupsOf(job.id)).toEqual([]);
      expect(await flows.getGroup(groups[0]?.id as string)).toBeNull();
      expect(await flows.getGroup(batch.batchId)).toBeNull();
      // The counted ends went with them: a group of the same id starts counting from scratch.
      await flows.createGroup({ ...(groups[0] as GroupRecord), remaining: 2, done: false });
      expect(await flows.memberEnded(groups[0]?.id as string, 0)).toBe(1);
      expect(await flows.openGroups(10)).toHaveLength(1);
    });

    it("queue.delete removes the job's steps and its groups; a batch goes once its members and completion are all gone", async () => {
      const hold = gate();
      const child = testTask("held_child", async () => {
        await hold.promise;
        return 1;
      });
      const parent = testTask("deleted_parent", async (ctx) => {
        await ctx.step("spawn", async () => (await ctx.spawn(child, [{ n: 1 }])).jobIds);
        return (await ctx.waitForChildren()).length;
      });
      const member = testTask("deleted_member", async (ctx) => ctx.step("once", () => ctx.input.n));
      const done = testTask("deleted_done", () => "ok");
      const engine = startEngine(h, [child, parent, member, done]);
      const flows = flowsOf(h);
      const { job } = await engine.queue.enqueue(parent, { n: 0 }, { tenantId: TENANT });
      const batch = await engine.queue.enqueueBatch(member, [{ n: 1 }, { n: 2 }], {
        tenantId: TENANT,
        onComplete: { task: done, input: { n: 0 } },
      });
      engine.worker({ concurrency: 4 });
      const completion = await engine.advanceUntil(
        async () => {
          const p = await engine.queue.get(TENANT, job.id);
          const page = await engine.queue.list({ tenantId: TENANT, type: "deleted_done" });
          const info = await engine.queue.flow(TENANT, job.id);
          if (p.status !== "pending" || info.children.total !== 1 || page.jobs[0]?.status !== "complete")
            throw new Error("not there yet");
          return page.jobs[0];
        },
        100,
        100,
      );
      const [group] = await flows.groupsOf(job.id);
      expect(group).toBeDefined();
      expect(await flows.loadSteps(job.id)).toHaveLength(1);

      // The parent, waiting for its child: deleted with its steps and its group (the child stays).
      await engine.queue.delete(TENANT, job.id);
      expect(await flows.loadSteps(job.id)).toEqual([]);
      expect(await flows.groupsOf(job.id)).toEqual([]);
      expect(await flows.getGroup(group?.id as string)).toBeNull();
      expect((await engine.queue.list({ tenantId: TENANT, type: "held_child" })).jobs).toHaveLength(1);

      // A batch stays while any member or its completion job is left.
      await engine.queue.delete(TENANT, batch.jobIds[0] as string);
      expect(await flows.loadSteps(batch.jobIds[0] as string)).toEqual([]);
      expect(await flows.getGroup(batch.batchId)).not.toBeNull();
      await engine.queue.delete(TENANT, completion.id);
      expect(await flows.getGroup(batch.batchId)).not.toBeNull();
      await engine.queue.delete(TENANT, batch.jobIds[1] as string);
      expect(await flows.getGroup(batch.batchId)).toBeNull();
      hold.open();
    });
  });
}
