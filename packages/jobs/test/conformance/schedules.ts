import { describe, expect, it } from "vitest";
import type { ScheduleRecord } from "../../src/types.js";
import { type StoreHarness, T0, TENANT, TYPE } from "./harness.js";

const nightly = {
  name: "nightly:company-1",
  task: TYPE,
  cron: "0 3 * * *",
  timezone: "Europe/Paris",
  input: { company_id: 1 },
  tenantId: TENANT,
  createdAt: T0,
};

export function scheduleStoreTests(h: StoreHarness): void {
  describe("schedules (store)", () => {
    it("saves a schedule and lists it, unpaused and never fired", async () => {
      const saved = await h.store.saveSchedule(nightly, T0);
      const expected: ScheduleRecord = { ...nightly, paused: false, lastFireAt: null, updatedAt: T0 };
      expect(saved).toEqual(expected);
      expect(await h.store.listSchedules()).toEqual([expected]);
    });

    it("saving again under the same name replaces the definition but keeps paused, lastFireAt and createdAt", async () => {
      await h.store.saveSchedule(nightly, T0);
      expect(await h.store.advanceSchedule(nightly.name, T0 + 10, T0 + 10)).toBe(true);
      await h.store.setSchedulePaused(nightly.name, true, T0 + 20);
      const saved = await h.store.saveSchedule(
        { ...nightly, cron: "*/5 * * * *", timezone: null, input: { company_id: 2 }, createdAt: T0 + 30 },
        T0 + 30,
      );
      expect(saved).toEqual({
        ...nightly,
        cron: "*/5 * * * *",
        timezone: null,
        input: { company_id: 2 },
        paused: true,
        lastFireAt: T0 + 10,
        createdAt: T0,
        updatedAt: T0 + 30,
      });
      expect(await h.store.listSchedules()).toEqual([saved]);
    });

    it("lists by name and deletes one", async () => {
      await h.store.saveSchedule({ ...nightly, name: "b" }, T0);
      await h.store.saveSchedule({ ...nightly, name: "a" }, T0);
      await h.store.saveSchedule({ ...nightly, name: "c" }, T0);
      expect((await h.store.listSchedules()).map((s) => s.name)).toEqual(["a", "b", "c"]);
      expect(await h.store.deleteSchedule("b")).toBe(true);
      expect(await h.store.deleteSchedule("b")).toBe(false);
      expect((await h.store.listSchedules()).map((s) => s.name)).toEqual(["a", "c"]);
    });

    it("pauses and resumes; an unknown name gives null", async () => {
      await h.store.saveSchedule(nightly, T0);
      expect(await h.store.setSchedulePaused(nightly.name, true, T0 + 1)).toMatchObject({
        paused: true,
        updatedAt: T0 + 1,
      });
      expect(await h.store.setSchedulePaused(nightly.name, false, T0 + 2)).toMatchObject({ paused: false });
      expect(await h.store.setSchedulePaused("nope", true, T0)).toBeNull();
    });

    it("advanceSchedule is a compare-and-set: one of several racing callers wins, older fire times lose", async () => {
      await h.store.saveSchedule(nightly, T0);
      const results = await Promise.all(
        [1, 2, 3, 4, 5].map(() => h.store.advanceSchedule(nightly.name, T0 + 60_000, T0)),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await h.store.advanceSchedule(nightly.name, T0 + 30_000, T0)).toBe(false);
      expect(await h.store.advanceSchedule(nightly.name, T0 + 60_000, T0)).toBe(false);
      expect(await h.store.advanceSchedule(nightly.name, T0 + 120_000, T0)).toBe(true);
      expect((await h.store.listSchedules())[0]?.lastFireAt).toBe(T0 + 120_000);
      expect(await h.store.advanceSchedule("unknown", T0, T0)).toBe(false);
    });
  });
}
