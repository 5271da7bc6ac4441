import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { createWorker, isTerminalStatus, toWireJob } from "@ledgerflow/jobs";
import { importUpload } from "../domain/import-upload.js";
import { decideUploadMapping } from "../domain/upload-mapping.js";
import { UPLOAD_TASK } from "../routes/job-commands.js";
import type { Runtime } from "../runtime/open.js";
import { parseMapOption, printImportSummary, printPreview } from "./import-preview.js";
import { createProgressBar } from "./progress-bar.js";
import { taskLogger } from "./task-logger.js";

/** How often the bar re-reads the job; a job run by another process (a `serve`) is only seen by reading. */
const REFRESH_MS = 200;

/**
 * `ledgerflow import FILE --company ID [--map date=0,amount=3,description=2]`: stores the file as an
 * import, enqueues upload_and_categorize and runs it here with a worker of its own, drawing the
 * progress until the job ends. When the importer is not sure of the columns (and no mapping is
 * remembered for files of this shape) it prints the preview and exits 2 without importing; run it
 * again with --map. Exits 1 when the job fails.
 */
export async function importCommand(
  runtime: Runtime,
  file: string,
  companyId: string,
  json: boolean,
  map?: string,
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
  const filename = basename(file);
  const chosen = map === undefined ? null : parseMapOption(map);
  const decision = await decideUploadMapping(db, company.tenant_id, companyId, { content, filename }, chosen);
  if (decision.kind === "ask") {
    if (json) process.stdout.write(`${JSON.stringify(decision.preview)}\n`);
    else printPreview(decision.preview, process.stdout);
    return 2;
  }
  if (decision.remembered && !json)
    process.stdout.write("Using the mapping remembered for files of this shape.\n");
  const { job } = await importUpload(runtime, UPLOAD_TASK, {
    tenantId: company.tenant_id,
    companyId,
    filename,
    content,
    idempotencyKey: null,
    options: decision.options,
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
        else if (current.status === "complete") printImportSummary(current.result, process.stdout);
        else process.stderr.write(`Job ${current.id} ${current.status}: ${current.error?.message ?? ""}\n`);
        return current.status === "complete" ? 0 : 1;
      }
      await sleep(REFRESH_MS);
    }
  } finally {
    await worker.stop();
  }
}
