import { defineTask, type TaskContext, UnrecoverableError } from "@ledgerflow/jobs";
import { getBankAccount } from "../db/accounts.js";
import { setImportStatus } from "../db/imports.js";
import type { TaskDeps } from "./categorize-transactions.js";
import { mergeLlm } from "./categorize-transactions.js";
import { loadCompanyContext } from "./company-context.js";
import { bookImportedCategorized, importOutcome } from "./import-outcome.js";
import {
  categorizeAndBook,
  ImportRefused,
  insertImportRows,
  type ParseSummary,
  type PreparedImport,
  prepareImport,
} from "./import-rows.js";
import { bookTaskLimits, companyKey, UPLOAD_TASK_RETRIES } from "./limits.js";
import { pendingOfImport } from "./pending.js";
import {
  type LlmStatus,
  type UploadAndCategorizeInput,
  type UploadAndCategorizeResult,
  type UploadChunkResult,
  uploadAndCategorizeInput,
} from "./schemas.js";
import { toChunkRows, type uploadChunkTask } from "./upload-chunk.js";

type Ctx = TaskContext<UploadAndCategorizeInput>;

/** What the parse step stores: the file's report, and how many chunk children it spawned (0: none). */
type ParseStep = { summary: ParseSummary; chunks: number; company_id: string };

/**
 * The seed's `upload_and_categorize`: parse (0 %) → validate (20 %) → insert (30 %) → rules (50 %) →
 * LLM (70 %) → journal entries (90 %) → done (100 %).
 *
 * A file of more than `uploadChunkRows` valid rows (default 2,500) runs as a flow
 * (docs/books/csv-import.md, "Large files: a flow of chunks"): the `parse` step spawns one `upload_chunk` child per
 * slice of rows (insert, categorize, book — in parallel across workers, the parent holding no slot
 * meanwhile), then one `book` step books the rows that arrived categorized and counts the import.
 * A crash resumes at the last finished chunk instead of the first row. A smaller file runs in this
 * job, as the seed's did.
 *
 * Either way every write is idempotent (fingerprints, the one-live-entry index, updates guarded on
 * `uncategorized`), and the counts in the result are read back from the database for this import,
 * so a retried job reports the same figures and writes nothing twice.
 */
export function uploadAndCategorizeTask(deps: TaskDeps, chunkTask: ReturnType<typeof uploadChunkTask>) {
  return defineTask<typeof uploadAndCategorizeInput, UploadAndCategorizeResult>({
    name: "upload_and_categorize",
    input: uploadAndCategorizeInput,
    retries: UPLOAD_TASK_RETRIES,
    timeoutMs: 10 * 60_000,
    dedupeKey: (input) => `import:${input.import_id}`,
    // Jobs enqueued without company_id (before it was sent) share one slot per tenant instead.
    ...bookTaskLimits<UploadAndCategorizeInput>(deps.limits, deps.llm, (input, tenantId) =>
      input.company_id ? companyKey(input.company_id) : `tenant:${tenantId}`,
    ),
    async handler(ctx) {
      let prepared: PreparedImport | undefined;
      const prepare = async () => {
        try {
          return await prepareImport(deps, ctx.tenantId, ctx.input, (pct, msg) => ctx.progress(pct, msg));
        } catch (error) {
          throw error instanceof ImportRefused ? new UnrecoverableError(error.message) : error;
        }
      };
      const parse = await ctx.step("parse", async (): Promise<ParseStep> => {
        ctx.progress(0, "Parsing CSV...");
        prepared = await prepare();
        const { imp, rows, summary } = prepared;
        if (rows.length <= deps.uploadChunkRows) return { summary, chunks: 0, company_id: imp.companyId };
        const inputs = [];
        for (let start = 0; start < rows.length; start += deps.uploadChunkRows) {
          inputs.push({
            import_id: imp.id,
            company_id: imp.companyId,
            rows: toChunkRows(rows.slice(start, start + deps.uploadChunkRows)),
          });
        }
        await ctx.spawn(chunkTask, inputs);
        return { summary, chunks: inputs.length, company_id: imp.companyId };
      });
      if (parse.chunks === 0) {
        // A retry after the parse step was stored reads the file again (small: one chunk at most).
        prepared ??= await prepare();
        return await inOneJob(deps, ctx, prepared);
      }

      ctx.progress(30, `Inserting and categorizing ${parse.summary.valid} rows in ${parse.chunks} chunks...`);
      const outcomes = await ctx.waitForChildren();
      let llm: LlmStatus = deps.llm?.enabled ? "ok" : "disabled";
      for (const outcome of outcomes) llm = mergeLlm(llm, (outcome.result as UploadChunkResult).llm);
      return await ctx.step("book", () => {
        ctx.progress(90, "Creating journal entries...");
        return finish(deps, ctx, parse.company_id, parse.summary, llm);
      });
    },
  });
}

/** The seed's single job: insert, categorize and book every row here, with the seed's progress steps. */
async function inOneJob(
  deps: TaskDeps,
  ctx: Ctx,
  prepared: PreparedImport,
): Promise<UploadAndCategorizeResult> {
  const { imp, rows, summary } = prepared;
  const tenantId = ctx.tenantId;
  ctx.progress(30, `Inserting ${rows.length} transactions...`);
  await insertImportRows(deps, tenantId, imp, rows, ctx.signal, (done) =>
    // Big files take a while here: keep the bar moving between the seed's steps.
    ctx.progress(30 + (done / rows.length) * 20, `Inserting transactions ${done}/${rows.length}...`),
  );

  ctx.progress(50, "Applying rules...");
  const context = await loadCompanyContext(deps.db, tenantId, imp.companyId);
  const pending = await pendingOfImport(deps.db, tenantId, imp.id);
  const llm = await categorizeAndBook(
    deps,
    { tenantId, signal: ctx.signal, attempt: ctx.attempt, warn: (m, f) => ctx.log.warn(m, f) },
    context,
    pending,
    {
      rules: (done, total) => ctx.progress(50 + (done / total) * 20, `Applying rules ${done}/${total}...`),
      llm: (leftovers) =>
        ctx.progress(
          70,
          !deps.llm?.enabled
            ? "Calling LLM... (not configured, skipped)"
            : leftovers > 0
              ? `Calling LLM for ${leftovers} transactions...`
              : "Calling LLM... (nothing left to ask)",
        ),
      journal: (done, total) =>
        ctx.progress(total === 0 ? 90 : 90 + (done / total) * 9, "Creating journal entries..."),
    },
  );
  return finish(deps, ctx, imp.companyId, summary, llm);
}

/** Books the rows that arrived categorized, marks the import done and counts it from the database. */
async function finish(
  deps: TaskDeps,
  ctx: Ctx,
  companyId: string,
  summary: ParseSummary,
  llm: LlmStatus,
): Promise<UploadAndCategorizeResult> {
  const { db } = deps;
  const tenantId = ctx.tenantId;
  const importId = ctx.input.import_id;
  const bank = await getBankAccount(db, tenantId, companyId);
  await bookImportedCategorized(db, tenantId, importId, companyId, bank.id);
  const outcome = await importOutcome(db, tenantId, importId);
  await setImportStatus(db, tenantId, importId, "done");
  // The last message is what a poller shows beside "complete"; say what happened, not the last step.
  ctx.progress(100, `Imported ${outcome.inserted} transactions, created ${outcome.entries} journal entries`);
  const { rows_found, valid, invalid, errors, ...report } = summary;
  return {
    // Every transaction row found: inserted + duplicates + invalid = parsed.
    parsed: rows_found,
    inserted: outcome.inserted,
    duplicates: valid - outcome.inserted,
    invalid,
    categorized: outcome.highConfidence + outcome.needsReview,
    je_created: outcome.entries,
    high_confidence: outcome.highConfidence,
    needs_review: outcome.needsReview,
    errors,
    ...report,
    by_rule: outcome.bySource.rule,
    by_prior: outcome.bySource.prior,
    by_history: outcome.bySource.history,
    by_llm: outcome.bySource.llm,
    llm,
  };
}
