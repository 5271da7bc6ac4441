import { JobsError } from "../errors.js";
import type { EnqueueResult, Fairness, JobRecord, NewJob } from "../types.js";
import { type JobRow, type Queryable, toJob } from "./sql.js";
import { type SchemaNames, schemaNames } from "./statements/names.js";
import { keyHolderStatement } from "./statements/read.js";
import { enqueueStatement } from "./statements/write.js";

export interface InsertOutcome {
  results: EnqueueResult[];
  /** The jobs this call created, for local event delivery. */
  created: JobRecord[];
}

/** Where and how an insert runs. */
export interface InsertTarget {
  names: SchemaNames;
  /** The event origin of the writing store ("" for an application's connection). */
  origin: string;
  /** Prepared statements (the store's own pool); an application's connection gets unnamed ones so the store leaves nothing prepared on it. */
  named: boolean;
  /** How due jobs get their place in line; null: the fairness init() recorded in the schema. */
  fairness: Fairness | null;
}

/**
 * Inserts `jobs` in one statement; each job whose idempotency or dedupe key is already held gets the
 * holder back instead (created: false).
 */
export async function insertJobs(
  db: Queryable,
  target: InsertTarget,
  jobs: readonly NewJob[],
): Promise<InsertOutcome> {
  const rows = await insertRows(db, target, jobs);
  const inserted = new Map(rows.map((row) => [row.id, toJob(row)]));
  const results: EnqueueResult[] = [];
  for (const job of jobs) {
    const mine = inserted.get(job.id);
    if (mine !== undefined && mine.tenantId === job.tenantId) {
      // Consume it: a repeated id further down the batch must not claim the same row.
      inserted.delete(job.id);
      results.push({ job: mine, created: true });
    } else {
      results.push(await resolveHeldKey(db, target, job));
    }
  }
  return { results, created: results.filter((r) => r.created).map((r) => r.job) };
}

/** One INSERT of every job, in order; returns the rows created (skipped ones hit a unique index). */
async function insertRows(db: Queryable, target: InsertTarget, jobs: readonly NewJob[]): Promise<JobRow[]> {
  const { names, named } = target;
  const statement = enqueueStatement(names, target.fairness);
  const { rows } = await db.query<JobRow>({
    ...(named ? { name: statement.name } : {}),
    text: statement.text,
    values: [
      jobs.map((j) => j.id),
      jobs.map((j) => j.tenantId),
      jobs.map((j) => j.type),
      jobs.map((j) => JSON.stringify(j.input ?? null)),
      jobs.map((j) => j.maxAttempts),
      jobs.map((j) => j.runAt),
      jobs.map((j) => j.now),
      jobs.map((j) => j.idempotencyKey ?? null),
      jobs.map((j) => j.dedupeKey ?? null),
      jobs.map((j) => j.priority ?? 0),
      jobs.map((j) => j.concurrencyKey ?? null),
      jobs.map((j) => j.rateKey ?? null),
      jobs.map((j) => j.traceContext ?? null),
      target.origin,
      names.schema,
    ],
  });
  return rows;
}

/**
 * A job the insert skipped: return the job holding its key. When nothing holds it any more (the
 * dedupe holder finished in between), insert again. A job found under its own id with the same
 * tenant, type and creation time is this very job, written by a first try whose reply was lost.
 */
async function resolveHeldKey(db: Queryable, target: InsertTarget, job: NewJob): Promise<EnqueueResult> {
  const { names, named } = target;
  const statement = keyHolderStatement(names);
  for (let round = 0; round < 5; round += 1) {
    const { rows } = await db.query<JobRow & { holds: "idempotency" | "dedupe" | "id" }>({
      ...(named ? { name: statement.name } : {}),
      text: statement.text,
      values: [job.tenantId, job.idempotencyKey ?? null, job.dedupeKey ?? null, job.id],
    });
    const holder =
      rows.find((r) => r.holds === "idempotency") ??
      rows.find((r) => r.holds === "dedupe") ??
      rows.find((r) => r.holds === "id");
    if (holder?.holds === "id") {
      const found = toJob(holder);
      if (found.tenantId === job.tenantId && found.type === job.type && found.createdAt === job.now) {
        return { job: found, created: true };
      }
      throw new JobsError("conflict", `A job with id ${job.id} already exists; generate a new id.`);
    }
    if (holder !== undefined) return { job: toJob(holder), created: false };
    const [row] = await insertRows(db, target, [job]);
    if (row !== undefined) return { job: toJob(row), created: true };
  }
  throw new JobsError("conflict", `Could not enqueue job ${job.id}: its key kept changing hands; try again.`);
}

/**
 * Enqueues `job` on the application's own connection, inside whatever transaction it has open: the
 * job commits (and its NOTIFY fires) together with the app's rows, or neither does. Call it between
 * the app's BEGIN and COMMIT; the schema must have been created by `createPostgresStore(...).init()`,
 * whose `fairness` (recorded in the schema) decides the job's place in line. Its priority and keys
 * are the job's own (`queue.prepare` fills them in from the task).
 */
export async function enqueueInTransaction(
  client: Queryable,
  job: NewJob,
  schema = "ledgerflow_jobs",
): Promise<EnqueueResult> {
  const target = { names: schemaNames(schema), origin: "", named: false, fairness: null };
  const { results } = await insertJobs(client, target, [job]);
  return results[0]!;
}
