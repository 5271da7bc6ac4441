import { type BooksDb, createImport } from "@ledgerflow/books";
import { type JobRecord, JobsError, type Queue } from "@ledgerflow/jobs";
import type { BooksTransactionEnqueue } from "../runtime/books-transaction-enqueue.js";

export interface ImportUploadDeps {
  db: BooksDb;
  queue: Queue;
  /** Given when the job store shares the books database: the import and its job then commit as one. */
  enqueueInBooksTransaction?: BooksTransactionEnqueue | null | undefined;
}

export interface ImportUploadRequest {
  tenantId: string;
  companyId: string;
  filename: string;
  content: Uint8Array;
  idempotencyKey: string | null;
  /** Parser options kept with the import (the mapping confirmed in the mapping step). */
  options?: Record<string, unknown> | null;
}

/**
 * Stores an uploaded file as an import and enqueues `task` ({ import_id, company_id }; the company is
 * the job's concurrency key) to process it. With a transactional store both rows commit together or
 * not at all; a repeated idempotency key then rolls the new import back and answers with the existing
 * job and its import. Without one (SQLite, Redis) they are two writes, and a crash between them leaves
 * an import without a job.
 */
export async function importUpload(
  deps: ImportUploadDeps,
  task: string,
  request: ImportUploadRequest,
): Promise<{ job: JobRecord; importId: string }> {
  const { db, queue, enqueueInBooksTransaction } = deps;
  const { tenantId, idempotencyKey } = request;
  const file = {
    companyId: request.companyId,
    filename: request.filename,
    content: request.content,
    options: request.options ?? null,
  };
  if (!enqueueInBooksTransaction) {
    const upload = await createImport(db, tenantId, file);
    const { job } = await queue.enqueue(
      task,
      { import_id: upload.id, company_id: request.companyId },
      { tenantId, idempotencyKey },
    );
    return { job, importId: upload.id };
  }
  const trx = await db.startTransaction().execute();
  try {
    const upload = await createImport(trx, tenantId, file);
    const job = await queue.prepare(
      task,
      { import_id: upload.id, company_id: request.companyId },
      { tenantId, idempotencyKey },
    );
    const result = await enqueueInBooksTransaction(trx, job);
    if (!result.created) {
      await trx.rollback().execute();
      return { job: result.job, importId: heldImportId(result.job, task) };
    }
    await trx.commit().execute();
    return { job: result.job, importId: upload.id };
  } catch (error) {
    await trx
      .rollback()
      .execute()
      .catch(() => undefined);
    throw error;
  }
}

/** The import of the job that already holds the key; a key first used for another kind of job is a 409. */
function heldImportId(job: JobRecord, task: string): string {
  const input = job.input;
  const id = input !== null && typeof input === "object" && !Array.isArray(input) ? input.import_id : null;
  if (job.type === task && typeof id === "string") return id;
  throw new JobsError(
    "conflict",
    `The Idempotency-Key was already used for job ${job.id} (${job.type}); send this upload with a new key.`,
  );
}
