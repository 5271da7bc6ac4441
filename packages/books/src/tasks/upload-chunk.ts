import { defineTask, UnrecoverableError } from "@ledgerflow/jobs";
import { getCompany } from "../db/companies.js";
import type { NewTransaction } from "../db/transactions.js";
import type { TaskDeps } from "./categorize-transactions.js";
import { type CompanyContext, loadCompanyContext } from "./company-context.js";
import { categorizeAndBook, insertImportRows } from "./import-rows.js";
import { bookTaskLimits, companyKey, UPLOAD_TASK_RETRIES } from "./limits.js";
import { pendingOfImport } from "./pending.js";
import { type UploadChunkInput, type UploadChunkResult, uploadChunkInput } from "./schemas.js";

/** The rows of one chunk as its job input carries them (JSON, snake_case like the API). */
export function toChunkRows(rows: readonly NewTransaction[]): UploadChunkInput["rows"] {
  return rows.map((r) => ({
    date: r.date,
    description: r.description,
    payee: r.payee ?? null,
    amount_cents: r.amountCents,
    fingerprint: r.fingerprint,
    account_id: r.accountId ?? null,
  }));
}

/**
 * One slice of a large upload (a child of `upload_and_categorize`): inserts its rows, categorizes
 * the ones still uncategorized (rules → prior → history → LLM) and books them. Idempotent like the
 * whole import, so a chunk killed half-way runs again from its first row without writing twice.
 * Its concurrency key is the company, with a limit of its own (`uploadChunkConcurrency`, default 4),
 * so one company's chunks run in parallel across workers but cannot take every slot.
 */
export function uploadChunkTask(deps: TaskDeps) {
  const contexts = new ImportContexts((tenantId, companyId) =>
    loadCompanyContext(deps.db, tenantId, companyId),
  );
  const limits = bookTaskLimits<UploadChunkInput>(deps.limits, deps.llm, (input) =>
    companyKey(input.company_id),
  );
  return defineTask<typeof uploadChunkInput, UploadChunkResult>({
    name: "upload_chunk",
    input: uploadChunkInput,
    retries: UPLOAD_TASK_RETRIES,
    timeoutMs: 10 * 60_000,
    ...limits,
    concurrency: {
      limit: deps.limits.uploadChunkConcurrency,
      key: (input) => companyKey(input.company_id),
    },
    async handler(ctx) {
      const { db } = deps;
      const tenantId = ctx.tenantId;
      const { import_id: importId, company_id: companyId } = ctx.input;
      if (!(await getCompany(db, tenantId, companyId)))
        throw new UnrecoverableError(`company ${companyId} was not found; was it deleted during the import?`);
      const rows: NewTransaction[] = ctx.input.rows.map((r) => ({
        date: r.date,
        description: r.description,
        payee: r.payee,
        amountCents: r.amount_cents,
        fingerprint: r.fingerprint,
        accountId: r.account_id,
      }));
      const total = rows.length;
      ctx.progress(0, `Inserting ${total} transactions...`);
      const imp = { id: importId, companyId };
      await insertImportRows(deps, tenantId, imp, rows, ctx.signal, (done) =>
        ctx.progress((done / total) * 10, `Inserting transactions ${done}/${total}...`),
      );
      ctx.progress(10, "Applying rules...");
      const context = await contexts.get(tenantId, companyId, importId);
      const pending = await pendingOfImport(
        db,
        tenantId,
        importId,
        rows.map((r) => r.fingerprint),
      );
      const llm = await categorizeAndBook(
        deps,
        { tenantId, signal: ctx.signal, attempt: ctx.attempt, warn: (m, f) => ctx.log.warn(m, f) },
        context,
        pending,
        {
          rules: (done, all) => ctx.progress(10 + (done / all) * 40, `Applying rules ${done}/${all}...`),
          llm: (leftovers) =>
            ctx.progress(
              50,
              deps.llm?.enabled && leftovers > 0
                ? `Calling LLM for ${leftovers} transactions...`
                : "Categorized",
            ),
          journal: (done, all) =>
            ctx.progress(all === 0 ? 70 : 70 + (done / all) * 29, "Creating journal entries..."),
        },
      );
      ctx.progress(100, `Chunk of ${total} rows done`);
      return { rows: total, pending: pending.length, llm };
    },
  });
}

/** How long the chunks of one import in one process share the company's rules, accounts and history. */
const CONTEXT_TTL_MS = 60_000;
const CONTEXTS_KEPT = 16;

/**
 * The company context (rules, accounts, the history model) loaded once per import per process for a
 * minute, not once per chunk: the history model reads up to 20,000 of the company's categorized rows
 * and trains on them, which 40 chunks of a 100,000-row file repeated 40 times (most of the database's
 * work in that upload). The chunks categorize with the history as it was when the first of them here
 * started — as the one-job import does with the history as of its start.
 */
class ImportContexts {
  private readonly entries = new Map<string, { at: number; context: Promise<CompanyContext> }>();

  constructor(private readonly load: (tenantId: string, companyId: string) => Promise<CompanyContext>) {}

  get(tenantId: string, companyId: string, importId: string): Promise<CompanyContext> {
    const key = `${tenantId}\u0000${importId}`;
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit && now - hit.at < CONTEXT_TTL_MS) return hit.context;
    for (const [k, entry] of this.entries) if (now - entry.at >= CONTEXT_TTL_MS) this.entries.delete(k);
    while (this.entries.size >= CONTEXTS_KEPT)
      this.entries.delete(this.entries.keys().next().value as string);
    const context = this.load(tenantId, companyId);
    this.entries.set(key, { at: now, context });
    // A failed load is not kept: the next chunk (or this one's retry) loads again.
    context.catch(() => this.entries.delete(key));
    return context;
  }
}
