import { type Categorization, HIGH_CONFIDENCE, type TxnForCategorize } from "../categorize/types.js";
import { CsvFormatError, fingerprintRows, type ParseCsvOptions, parseBankCsv } from "../csv/index.js";
import { getImport, type ImportWithContent, setImportStatus } from "../db/imports.js";
import { insertTransactions, type NewTransaction } from "../db/transactions.js";
import { applyCategorizations, type CategorizedTxn } from "./apply.js";
import { runCategorizers, type StepOutput } from "./categorize-step.js";
import type { TaskDeps } from "./categorize-transactions.js";
import { resolveCategoryAccounts } from "./category-accounts.js";
import type { CompanyContext } from "./company-context.js";
import { type ImportReportOut, importReport } from "./import-report.js";
import { lastAttemptLlmReason } from "./limits.js";
import type { ImportErrorOut, LlmStatus, UploadAndCategorizeResult } from "./schemas.js";
import { MAX_REPORTED_ERRORS } from "./schemas.js";
import { yieldToEventLoop } from "./yield.js";

/**
 * The pieces of an import shared by the one-job path (a file of one chunk) and the flow (parse →
 * chunk children → booking): reading and validating the file, inserting rows, categorizing and
 * booking a set of pending rows. Every write is idempotent (fingerprints, updates guarded on
 * `uncategorized`, the one-live-entry index), so any piece may run again after a crash.
 */

export class ImportRefused extends Error {}

/** What the parse step keeps of a file: the counts and reports of the result, not the rows. */
export type ParseSummary = Pick<UploadAndCategorizeResult, "errors" | "invalid"> &
  ImportReportOut & {
    /** Every transaction row found in the file: valid + invalid. */
    rows_found: number;
    valid: number;
  };

export interface PreparedImport {
  imp: ImportWithContent;
  rows: NewTransaction[];
  summary: ParseSummary;
}

/**
 * Reads the import, parses and validates its file, fingerprints the rows and resolves the accounts
 * named by a category column. A file that is not a bank CSV marks the import failed and throws
 * ImportRefused (the caller fails the job without retrying).
 */
export async function prepareImport(
  deps: TaskDeps,
  tenantId: string,
  input: { import_id: string; company_id?: string | undefined },
  progress: (percent: number, message: string) => void,
): Promise<PreparedImport> {
  const { db } = deps;
  const imp = await getImport(db, tenantId, input.import_id);
  if (!imp) throw new ImportRefused(`import ${input.import_id} was not found; upload the file again`);
  if (input.company_id !== undefined && input.company_id !== imp.companyId)
    throw new ImportRefused(
      `import ${imp.id} belongs to company ${imp.companyId}, not ${input.company_id}; enqueue it with its own company_id`,
    );
  await setImportStatus(db, tenantId, imp.id, "processing");
  let parsed: Awaited<ReturnType<typeof parseBankCsv>>;
  try {
    parsed = await parseBankCsv(imp.content, (imp.options ?? {}) as ParseCsvOptions);
  } catch (error) {
    if (error instanceof CsvFormatError) {
      await setImportStatus(db, tenantId, imp.id, "failed");
      throw new ImportRefused(error.message);
    }
    throw error;
  }

  progress(20, `Validating ${parsed.rows.length} rows...`);
  const errors: ImportErrorOut[] = parsed.errors.map((e) => ({
    line: e.line,
    column: e.column,
    message: e.message,
  }));
  const valid = parsed.rows.filter((row) => {
    if (row.amountCents !== 0) return true;
    errors.push({
      line: row.line,
      column: null,
      message: "the amount is 0.00, so there is nothing to book; row skipped",
    });
    return false;
  });
  errors.sort((a, b) => a.line - b.line);
  const fingerprints = fingerprintRows(valid);
  const categoryAccounts = await resolveCategoryAccounts(db, tenantId, imp.companyId, valid);
  const rows: NewTransaction[] = valid.map((row, i) => ({
    date: row.date,
    description: row.description,
    payee: row.payee || null,
    amountCents: row.amountCents,
    fingerprint: fingerprints[i] ?? "",
    accountId: row.category ? (categoryAccounts.get(row.category.trim().toLowerCase()) ?? null) : null,
  }));
  return {
    imp,
    rows,
    summary: {
      rows_found: parsed.rows.length + parsed.errors.length,
      valid: valid.length,
      invalid: errors.length,
      errors: errors.slice(0, MAX_REPORTED_ERRORS),
      ...importReport(parsed, valid),
    },
  };
}

/** Inserts rows in slices, yielding between them; `onSlice(done)` after each but the last. */
export async function insertImportRows(
  deps: TaskDeps,
  tenantId: string,
  imp: { id: string; companyId: string },
  rows: readonly NewTransaction[],
  signal: AbortSignal,
  onSlice: (done: number) => void,
): Promise<void> {
  const slice = deps.chunkSize * 10;
  for (let start = 0; start < rows.length; start += slice) {
    signal.throwIfAborted();
    await insertTransactions(deps.db, tenantId, {
      companyId: imp.companyId,
      importId: imp.id,
      rows: rows.slice(start, start + slice),
    });
    if (start + slice < rows.length) onSlice(start + slice);
    await yieldToEventLoop();
  }
}

/** Where categorizing a set of rows stands, for the caller's progress messages. */
export interface CategorizePhases {
  /** Rules, prior and history: after each chunk but the last (`done` < `total`). */
  rules(done: number, total: number): void;
  /** The LLM's turn: called once, with how many rows are left for it. */
  llm(leftovers: number): void;
  /** Journal entries: at the start (done 0) and after each chunk. */
  journal(done: number, total: number): void;
}

export interface CategorizeRun {
  tenantId: string;
  signal: AbortSignal;
  attempt: number;
  warn: (message: string, fields: Record<string, unknown>) => void;
}

/**
 * Categorizes pending rows of one company (rules → prior → history in chunks, then one LLM call with
 * every leftover) and books what got an answer, chunk by chunk, each chunk's updates and entries in
 * one database transaction.
 */
export async function categorizeAndBook(
  deps: TaskDeps,
  run: CategorizeRun,
  context: CompanyContext,
  pending: readonly TxnForCategorize[],
  phases: CategorizePhases,
): Promise<LlmStatus> {
  const { tenantId, signal } = run;
  const answers = new Map<string, Categorization>();
  for (let start = 0; start < pending.length; start += deps.chunkSize) {
    signal.throwIfAborted();
    const chunk = pending.slice(start, start + deps.chunkSize);
    const step = await runCategorizers(context, chunk, { tenantId, llm: null, signal });
    chunk.forEach((txn, i) => {
      const c = step.results[i];
      if (c) answers.set(txn.id, c);
    });
    const done = start + chunk.length;
    if (done < pending.length) phases.rules(done, pending.length);
    await yieldToEventLoop();
  }

  const leftovers = pending.filter((t) => (answers.get(t.id)?.confidence ?? 0) < HIGH_CONFIDENCE);
  phases.llm(leftovers.length);
  let llmStatus: LlmStatus = deps.llm?.enabled ? "ok" : "disabled";
  if (deps.llm?.enabled && leftovers.length > 0) {
    // One call with every leftover: the categorizer batches (25–50 per request) and runs its
    // requests concurrently, which a chunk loop here would serialise.
    let step: StepOutput;
    try {
      step = await runCategorizers(context, leftovers, { tenantId, llm: deps.llm, signal });
    } catch (error) {
      // A 429 retries the job later (limits.ts); on the last attempt the rows keep their rule answers.
      step = { results: [], llm: "error", llmError: lastAttemptLlmReason(error, run.attempt) };
    }
    llmStatus = step.llm;
    if (step.llmError) run.warn("LLM categorizer failed for some transactions", { error: step.llmError });
    leftovers.forEach((txn, i) => {
      const c = step.results[i];
      const before = answers.get(txn.id);
      if (c && (!before || c.confidence > before.confidence)) answers.set(txn.id, c);
    });
  }

  const toWrite: CategorizedTxn[] = [];
  for (const txn of pending) {
    const c = answers.get(txn.id);
    if (c) toWrite.push({ ...txn, categorization: c });
  }
  phases.journal(0, toWrite.length);
  for (let start = 0; start < toWrite.length; start += deps.chunkSize * 4) {
    signal.throwIfAborted();
    const chunk = toWrite.slice(start, start + deps.chunkSize * 4);
    await applyCategorizations(deps.db, tenantId, context.companyId, context.bankAccountId, chunk);
    phases.journal(start + chunk.length, toWrite.length);
    await yieldToEventLoop();
  }
  return llmStatus;
}
