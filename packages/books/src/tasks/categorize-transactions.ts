import { defineTask, UnrecoverableError } from "@ledgerflow/jobs";
import type { LlmCategorizer } from "../categorize/llm/categorizer.js";
import type { TxnForCategorize } from "../categorize/types.js";
import { HIGH_CONFIDENCE } from "../categorize/types.js";
import { getCompany } from "../db/companies.js";
import type { BooksDb } from "../db/open.js";
import { applyCategorizations, type CategorizedTxn } from "./apply.js";
import { runCategorizers, type StepOutput } from "./categorize-step.js";
import { loadCompanyContext } from "./company-context.js";
import {
  BOOK_TASK_RETRIES,
  type BookTaskLimits,
  bookTaskLimits,
  companyKey,
  lastAttemptLlmReason,
} from "./limits.js";
import {
  type CategorizeTransactionsInput,
  type CategorizeTransactionsResult,
  categorizeTransactionsInput,
  type LlmStatus,
} from "./schemas.js";
import { yieldToEventLoop } from "./yield.js";

export interface TaskDeps {
  db: BooksDb;
  /** The LLM categorizer, or null to run rules and history only. */
  llm: LlmCategorizer | null;
  /** Transactions categorized and committed together; progress moves once per chunk. */
  chunkSize: number;
  /** Valid rows above which an upload runs as parse → `upload_chunk` children → booking. */
  uploadChunkRows: number;
  limits: BookTaskLimits;
}

/** Worst of the chunks' LLM statuses: one failed call is worth reporting even if others worked. */
export function mergeLlm(a: LlmStatus, b: LlmStatus): LlmStatus {
  if (a === "error" || b === "error") return "error";
  if (a === "ok" || b === "ok") return "ok";
  return "disabled";
}

/**
 * The seed's `categorize_transactions`: 10 % fetching, then per transaction 20 + i/N × 70 while
 * each chunk is categorized (rules → history → LLM) and committed with its journal entries, 95 %
 * committing, 100 % done. Retries are safe: committed chunks are no longer uncategorized, so a
 * retry only picks up what is left, and entries cannot be booked twice.
 */
export function categorizeTransactionsTask(deps: TaskDeps) {
  return defineTask<typeof categorizeTransactionsInput, CategorizeTransactionsResult>({
    name: "categorize_transactions",
    input: categorizeTransactionsInput,
    retries: BOOK_TASK_RETRIES,
    timeoutMs: 10 * 60_000,
    dedupeKey: (input) => `company:${input.company_id}`,
    ...bookTaskLimits<CategorizeTransactionsInput>(deps.limits, deps.llm, (input) =>
      companyKey(input.company_id),
    ),
    async handler(ctx) {
      const { db } = deps;
      const { company_id: companyId, limit } = ctx.input;
      ctx.progress(10, "Fetching transactions...");
      if (!(await getCompany(db, ctx.tenantId, companyId))) {
        throw new UnrecoverableError(`company ${companyId} was not found; check the company_id`);
      }
      const rows = await db
        .selectFrom("transactions")
        .select(["id", "date", "description", "payee", "amount_cents"])
        .where("tenant_id", "=", ctx.tenantId)
        .where("company_id", "=", companyId)
        .where("status", "=", "uncategorized")
        .orderBy("date")
        .orderBy("id")
        .limit(limit)
        .execute();
      const txns: TxnForCategorize[] = rows.map((r) => ({
        id: r.id,
        date: r.date,
        description: r.description,
        payee: r.payee,
        amountCents: r.amount_cents,
      }));
      const context = await loadCompanyContext(db, ctx.tenantId, companyId);
      const total = txns.length;
      const result: CategorizeTransactionsResult = {
        journal_entries_created: 0,
        high_confidence: 0,
        needs_review: 0,
        uncategorized: 0,
        llm: deps.llm?.enabled ? "ok" : "disabled",
      };
      // A provider that rate-limits the last attempt is not asked again in this job (see limits.ts).
      let llm = deps.llm;
      const categorizeChunk = async (chunk: TxnForCategorize[]): Promise<StepOutput> => {
        const options = { tenantId: ctx.tenantId, signal: ctx.signal };
        try {
          return await runCategorizers(context, chunk, { ...options, llm });
        } catch (error) {
          const reason = lastAttemptLlmReason(error, ctx.attempt);
          llm = null;
          const rest = await runCategorizers(context, chunk, { ...options, llm: null });
          return { ...rest, llm: "error", llmError: reason };
        }
      };
      if (total > 0) ctx.progress(20, `Categorizing transaction 1/${total}...`);
      for (let start = 0; start < total; start += deps.chunkSize) {
        ctx.signal.throwIfAborted();
        const chunk = txns.slice(start, start + deps.chunkSize);
        const step = await categorizeChunk(chunk);
        if (step.llmError)
          ctx.log.warn("LLM categorizer failed for some transactions", { error: step.llmError });
        result.llm = mergeLlm(result.llm, step.llm);
        const categorized: CategorizedTxn[] = [];
        chunk.forEach((txn, i) => {
          const c = step.results[i];
          if (c) categorized.push({ ...txn, categorization: c });
          else result.uncategorized += 1;
        });
        const written = await applyCategorizations(
          db,
          ctx.tenantId,
          companyId,
          context.bankAccountId,
          categorized,
        );
        result.journal_entries_created += written.entriesCreated;
        for (const c of categorized) {
          if (c.categorization.confidence >= HIGH_CONFIDENCE) result.high_confidence += 1;
          else result.needs_review += 1;
        }
        const done = Math.min(start + chunk.length, total);
        ctx.progress(20 + (done / total) * 70, `Categorizing transaction ${done}/${total}...`);
        await yieldToEventLoop();
      }
      // Each chunk committed as it went (progress is real); this step is the seed's final commit.
      ctx.progress(95, "Committing to database...");
      ctx.progress(100, `Created ${result.journal_entries_created} journal entries`);
      return result;
    },
  });
}
