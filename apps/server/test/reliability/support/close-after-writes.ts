// Run as its own process by process-exit.test.ts: enough writes to start the SQLite store's
// checkpoint thread, then close() as a script's last step. Prints "closed" if close() returned.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createQueue, defineTask } from "@ledgerflow/jobs";
import { createSqliteStore } from "@ledgerflow/jobs/sqlite";
import { z } from "zod";

const dir = mkdtempSync(path.join(tmpdir(), "ledgerflow-close-"));
const task = defineTask({ name: "noop", input: z.object({}), handler: () => ({}) });
const queue = createQueue({ store: createSqliteStore({ path: path.join(dir, "jobs.db") }), tasks: [task] });
await queue.init();
for (let i = 0; i < 100; i++) await queue.enqueue(task, {}, { tenantId: "t" });
await queue.close();
rmSync(dir, { recursive: true, force: true });
console.log("closed");
