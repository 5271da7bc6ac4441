// Type-checked against the installed .d.ts files with skipLibCheck off: the published types compile.
import { createBookTasks, openBooksDb } from "@ledgerflow/books";
import { createQueue, defineTask, type JobRecord, type StandardSchemaV1 } from "@ledgerflow/jobs";
import { JobObserver } from "@ledgerflow/jobs/client";
import { createJobRoutes } from "@ledgerflow/jobs/http";
import { createMemoryStore } from "@ledgerflow/jobs/memory";
import { createSqliteStore } from "@ledgerflow/jobs/sqlite";
import { useJobStatus } from "@ledgerflow/jobs-react";

const input: StandardSchemaV1<{ n: number }> = {
  "~standard": { version: 1, vendor: "consumer", validate: (value) => ({ value: value as { n: number } }) },
};
const double = defineTask({
  name: "double",
  input,
  handler: async ({ input }) => ({ doubled: input.n * 2 }),
});
const books = createBookTasks({ db: openBooksDb({ url: ":memory:" }) });
export const queue = createQueue({
  store: createSqliteStore({ path: ":memory:" }),
  tasks: [double, ...books.all],
});
export const memory = createQueue({ store: createMemoryStore(), tasks: [double] });
export const wanted: Array<JobRecord["status"]> = ["complete"];
export const hooks = [useJobStatus, JobObserver] as const;
export const api = createJobRoutes({ queue, resolveTenant: () => "t1" });
