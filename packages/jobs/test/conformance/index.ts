import { describe } from "vitest";
import { cancelTests } from "./cancel.js";
import { claimTests } from "./claim.js";
import { engineControlTests } from "./engine-control.js";
import { engineQueueControlTests } from "./engine-queue-control.js";
import { engineRunTests } from "./engine-run.js";
import { enqueueAndReadTests } from "./enqueue.js";
import { eventTests } from "./events.js";
import { flowTests } from "./flows.js";
import { type StoreConformanceOptions, type StoreVariant, useStore } from "./harness.js";
import { keyTests } from "./keys.js";
import { leaseTests } from "./lease.js";
import { listTests } from "./list.js";
import { manageTests } from "./manage.js";
import { operationsTests } from "./operations.js";
import { progressTests } from "./progress.js";
import { queueControlTests } from "./queue-control.js";
import { retentionTests } from "./retention.js";
import { failureTests } from "./retry.js";
import { scheduleStoreTests } from "./schedules.js";

export type { StoreConformanceOptions, StoreVariant };

/**
 * THE store conformance suite: every JobStore passes the same tests, called once per store:
 *
 *   runStoreConformance({ name: "sqlite", createStore: async () => createSqliteStore({ path: ":memory:" }) });
 *
 * It never asks which store it runs against. Each test gets a fresh store from `createStore` (isolate it:
 * own schema, key prefix or file) and tolerates stores whose events arrive asynchronously.
 */
export function runStoreConformance(options: StoreConformanceOptions): void {
  const title = options.skip
    ? `${options.name} store conformance (skipped: ${options.skip})`
    : `${options.name} store conformance`;
  describe.skipIf(Boolean(options.skip))(title, () => {
    const h = useStore(options);
    enqueueAndReadTests(h);
    claimTests(h);
    leaseTests(h);
    failureTests(h);
    keyTests(h);
    progressTests(h);
    retentionTests(h);
    cancelTests(h);
    manageTests(h);
    listTests(h);
    eventTests(h);
    engineRunTests(h);
    engineControlTests(h);
    queueControlTests(h);
    scheduleStoreTests(h);
    engineQueueControlTests(h);
    operationsTests(h);
    flowTests(h, options.flows !== false);
  });
}
