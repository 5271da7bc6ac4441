import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, expect, it } from "vitest";
import { createRedisStore } from "../src/redis/index.js";
import { eventually } from "./conformance/harness.js";
import {
  CONNECTION_LOSS_JOBS,
  CONNECTION_LOSS_TENANT,
  runThroughConnectionLoss,
} from "./support/connection-loss.js";
import { deleteKeys } from "./support/redis-keys.js";
import { describeIfService, REDIS_URL, redisAvailable, uniqueRedisPrefix } from "./support/services.js";

const available = await redisAvailable();
const admin = available ? new Redis(REDIS_URL) : null;
afterAll(async () => {
  await admin?.quit();
});

/** Kills every connection named `name` (the store's command connection and its subscriber). */
async function killConnections(name: string): Promise<number> {
  const list = (await admin!.client("LIST")) as string;
  const ids = list
    .split("\n")
    .filter((line) => line.includes(` name=${name} `))
    .map((line) => /\bid=(\d+)/.exec(line)?.[1])
    .filter((id): id is string => id !== undefined);
  for (const id of ids) await admin!.client("KILL", "ID", id);
  return ids.length;
}

describeIfService("redis store: connection loss", available, () => {
  it("keeps running when the store's connections are killed mid-run, and loses no job", async () => {
    const name = `lf_loss_${randomBytes(4).toString("hex")}`;
    const prefix = uniqueRedisPrefix();
    const client = new Redis(REDIS_URL, { connectionName: name, enableAutoPipelining: true });
    client.on("error", () => {}); // the kill surfaces as ECONNRESET; ioredis reconnects on its own
    const store = createRedisStore({ client, prefix });
    const seen = new Set<string>();
    try {
      await runThroughConnectionLoss({
        store,
        prepare: async () => {
          store.subscribe((event) => seen.add(event.jobId)); // so the subscriber connection exists and is killed too
        },
        breakConnections: async () => {
          expect(await killConnections(name)).toBe(2);
        },
        afterRecovery: async (queue, task) => {
          // The subscriber resubscribed: events of jobs finished after the kill arrived too.
          const { job } = await queue.enqueue(
            task,
            { n: CONNECTION_LOSS_JOBS },
            { tenantId: CONNECTION_LOSS_TENANT },
          );
          await eventually(() => expect(seen.has(job.id)).toBe(true), 10_000);
        },
      });
    } finally {
      await deleteKeys(admin!, prefix);
      client.disconnect();
    }
  });
});
