import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { createWorker, isTerminalStatus, toWireJob } from "@ledgerflow/jobs";
import { checkUploadedCsv } from "../domain/csv-check.js";
import { importUpload } from "../domain/import-upload.js";
import { UPLOAD_TASK } from "../routes/job-commands.js";
import type { Runtime } from "../runtime/open.js";
import { createProgressBar } from "./progress-bar.js";
import { taskLogger } from "./task-logger.js";

/** How often the bar re-reads the job; a job run by another process (a `serve`) is only seen by reading. */
const REFRESH_MS = 200;

/**
 * `ledgerflow import FILE --company ID`: stores the file as an import, enqueues
 * upload_and_categorize and runs it here with a worker of its own, drawing the progress until the
 * job ends. Exits non-zero when the job fails.
 */
export async function importCommand(
  runtime: Runtime,
  file: string,
  companyId: string,
  json: boolean,
): Promise<number> {
  const { db, queue } = runtime;
  const company = await db
    .selectFrom("companies")
    .select(["id", "tenant_id"])
    .where("id", "=", companyId)
    .executeTakeFirst();
  if (!company)
    throw new Error(`No company ${companyId}: pass --company with an id from GET /api/companies.`);
  const content = new Uint8Array(readFileSync(file));
  await checkUploadedCsv(content, basename(file));
  const { job } = await importUpload(runtime, UPLOAD_TASK, {
    tenantId: company.tenant_id,
    companyId,
    filename: basename(file),
    content,
    idempotencyKey: null,
  });

  const worker = createWorker(queue, { concurrency: 1, logger: taskLogger(runtime.logger) });
  worker.start();
  const bar = json ? null : createProgressBar();
  try {
    for (;;) {
      const current = await queue.get(company.tenant_id, job.id);
      bar?.update(current);
      if (isTerminalStatus(current.status)) {
        bar?.done();
        const wire = toWireJob(current);
        if (json) process.stdout.write(`${JSON.stringify(wire)}\n`);
        else if (current.status === "complete")
          process.stdout.write(`Done: ${JSON.stringify(current.result)}\n`);
        else process.stderr.write(`Job ${current.id} ${current.status}: ${current.error?.message ?? ""}\n`);
        return current.status === "complete" ? 0 : 1;
      }
      await sleep(REFRESH_MS);
    }
  } finally {
    await worker.stop();
  }
}
