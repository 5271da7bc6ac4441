import { defineTask, UnrecoverableError } from "@ledgerflow/jobs";
import { type Categorization, HIGH_CONFIDENCE } from "../categorize/types.js";
import { CsvFormatError, fingerprintRows, type ParseCsvOptions, parseBankCsv } from "../csv/index.js";
import { getImport, setImportStatus } from "../db/imports.js";
import { insertTransactions, type NewTransaction } from "../db/transactions.js";
import { applyCategorizations, type CategorizedTxn } from "./apply.js";
import { runCategorizers, type StepOutput } from "./categorize-step.js";
import type { TaskDeps } from "./categorize-transactions.js";
import { resolveCategoryAccounts } from "./category-accounts.js";
import { loadCompanyContext } from "./company-context.js";
import { bookImportedCategorized, importOutcome } from "./import-outcome.js";
import { importReport } from "./import-report.js";
import { BOOK_TASK_RETRIES, bookTaskLimits, companyKey, lastAttemptLlmReason } from "./limits.js";
import { pendingOfImport } from "./pending.js";
import {
  type ImportErrorOut,
  MAX_REPORTED_ERRORS,
  type UploadAndCategorizeInput,
  type UploadAndCategorizeResult,
  uploadAndCategorizeInput,
} from "./schemas.js";
import { yieldToEventLoop } from "./yield.js";

/**
 * The seed's `upload_and_categorize`: parse (0 %) → validate (20 %) → insert (30 %) → rules (50 %) →
 * LLM (70 %) → journal entries (90 %) → done (100 %). Every write is idempotent (fingerprints, the
 * one-live-entry index, updates guarded on `uncategorized`), and the counts in the result are read
 * back from the database for this import, so a retried job reports the same figures and writes
 * nothing twice.
 */
export function uploadAndCategorizeTask(deps: TaskDeps) {
  return defineTask<typeof uploadAndCategorizeInput, UploadAndCategorizeResult>({
    name: "upload_and_categorize",
    input: uploadAndCategorizeInput,
    retries: BOOK_TASK_RETRIES,
    timeoutMs: 10 * 60_000,
    dedupeKey: (input) => `import:${input.import_id}`,
    // Jobs enqueued without company_id (before it was sent) share one slot per tenant instead.
    ...bookTaskLimits<UploadAndCategorizeInput>(deps.limits, deps.llm, (input, tenantId) =>
      input.company_id ? companyKey(input.company_id) : `tenant:${tenantId}`,
    ),
    async handler(ctx) {
      const { db } = deps;
      const tenantId = ctx.tenantId;
      ctx.progress(0, "Parsing CSV...");
      const imp = await getImport(db, tenantId, ctx.input.import_id);
      if (!imp)
        throw new UnrecoverableError(`import ${ctx.input.import_id} was not found; upload the file again`);
      if (ctx.input.company_id !== undefined && ctx.input.company_id !== imp.companyId)
        throw new UnrecoverableError(
          `import ${imp.id} belongs to company ${imp.companyId}, not ${ctx.input.company_id}; enqueue it with its own company_id`,
        );
      await setImportStatus(db, tenantId, imp.id, "processing");
      let parsed: Awaited<ReturnType<typeof parseBankCsv>>;
      try {
        parsed = await parseBankCsv(imp.content, (imp.options ?? {}) as ParseCsvOptions);
      } catch (error) {
        if (error instanceof CsvFormatError) {
          await setImportStatus(db, tenantId, imp.id, "failed");
          throw new UnrecoverableError(error.message);
        }
        throw error;
      }

      ctx.progress(20, `Validating ${parsed.rows.length} rows...`);
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

      ctx.progress(30, `Inserting ${valid.length} transactions...`);
      const rows: NewTransaction[] = valid.map((row, i) => ({
        date: row.date,
        description: row.description,
        payee: row.payee || null,
        amountCents: row.amountCents,
        fingerprint: fingerprints[i] ?? "",
        accountId: row.category ? (categoryAccounts.get(row.category.trim().toLowerCase()) ?? null) : null,
      }));
      for (let start = 0; start < rows.length; start += deps.chunkSize * 10) {
        ctx.signal.throwIfAborted();
        await insertTransactions(db, tenantId, {
          companyId: imp.companyId,
          importId: imp.id,
          rows: rows.slice(start, start + deps.chunkSize * 10),
        });
        // Big files take a while here: keep the bar moving between the seed's steps.
        const done = start + deps.chunkSize * 10;
        if (done < rows.length)
          ctx.progress(30 + (done / rows.length) * 20, `Inserting transactions ${done}/${rows.length}...`);
        await yieldToEventLoop();
      }

      ctx.progress(50, "Applying rules...");
      const context = await loadCompanyContext(db, tenantId, imp.companyId);
      const pending = await pendingOfImport(db, tenantId, imp.id);
      const answers = new Map<string, Categorization>();
      for (let start = 0; start < pending.length; start += deps.chunkSize) {
        ctx.signal.throwIfAborted();
        const chunk = pending.slice(start, start + deps.chunkSize);
        const step = await runCategorizers(context, chunk, { tenantId, llm: null, signal: ctx.signal });
        chunk.forEach((txn, i) => {
          const c = step.results[i];
          if (c) answers.set(txn.id, c);
        });
        const done = start + chunk.length;
        if (done < pending.length)
          ctx.progress(50 + (done / pending.length) * 20, `Applying rules ${done}/${pending.length}...`);
        await yieldToEventLoop();
      }

      const leftovers = pending.filter((t) => (answers.get(t.id)?.confidence ?? 0) < HIGH_CONFIDENCE);
      ctx.progress(
        70,
        !deps.llm?.enabled
          ? "Calling LLM... (not configured, skipped)"
          : leftovers.length > 0
            ? `Calling LLM for ${leftovers.length} transactions...`
            : "Calling LLM... (nothing left to ask)",
      );
      let llmStatus: UploadAndCategorizeResult["llm"] = deps.llm?.enabled ? "ok" : "disabled";
      if (deps.llm?.enabled && leftovers.length > 0) {
        // One call with every leftover: the categorizer batches (25–50 per request) and runs its
        // requests concurrently, which a chunk loop here would serialise.
        let step: StepOutput;
        try {
          step = await runCategorizers(context, leftovers, { tenantId, llm: deps.llm, signal: ctx.signal });
        } catch (error) {
          // A 429 retries the job later (limits.ts); on the last attempt the rows keep their rule answers.
          step = { results: [], llm: "error", llmError: lastAttemptLlmReason(error, ctx.attempt) };
        }
        llmStatus = step.llm;
        if (step.llmError)
          ctx.log.warn("LLM categorizer failed for some transactions", { error: step.llmError });
        leftovers.forEach((txn, i) => {
          const c = step.results[i];
          const before = answers.get(txn.id);
          if (c && (!before || c.confidence > before.confidence)) answers.set(txn.id, c);
        });
      }

      ctx.progress(90, "Creating journal entries...");
      const toWrite: CategorizedTxn[] = [];
      for (const txn of pending) {
        const c = answers.get(txn.id);
        if (c) toWrite.push({ ...txn, categorization: c });
      }
      for (let start = 0; start < toWrite.length; start += deps.chunkSize * 4) {
        ctx.signal.throwIfAborted();
        const chunk = toWrite.slice(start, start + deps.chunkSize * 4);
        await applyCategorizations(db, tenantId, imp.companyId, context.bankAccountId, chunk);
        ctx.progress(90 + ((start + chunk.length) / toWrite.length) * 9, "Creating journal entries...");
        await yieldToEventLoop();
      }
      await bookImportedCategorized(db, tenantId, imp.id, imp.companyId, context.bankAccountId);

      const outcome = await importOutcome(db, tenantId, imp.id);
      await setImportStatus(db, tenantId, imp.id, "done");
      // The last message is what a poller shows beside "complete"; say what happened, not the last step.
      ctx.progress(
        100,
        `Imported ${outcome.inserted} transactions, created ${outcome.entries} journal entries`,
      );
      return {
        // Every transaction row found: inserted + duplicates + invalid = parsed.
        parsed: parsed.rows.length + parsed.errors.length,
        inserted: outcome.inserted,
        duplicates: valid.length - outcome.inserted,
        invalid: errors.length,
        categorized: outcome.highConfidence + outcome.needsReview,
        je_created: outcome.entries,
        high_confidence: outcome.highConfidence,
        needs_review: outcome.needsReview,
        errors: errors.slice(0, MAX_REPORTED_ERRORS),
        ...importReport(parsed, valid),
        by_rule: outcome.bySource.rule,
        by_prior: outcome.bySource.prior,
        by_history: outcome.bySource.history,
        by_llm: outcome.bySource.llm,
        llm: llmStatus,
      };
    },
  });
}
