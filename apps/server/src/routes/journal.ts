import { createRoute, z } from "@hono/zod-openapi";
import {
  exportJournalBeancount,
  exportJournalCsv,
  listJournalEntries,
  trialBalance,
} from "@ledgerflow/books";
import { journalEntryToWire, trialBalanceToWire } from "../domain/wire.js";
import { errorResponses, idParam, json } from "../schemas/common.js";
import {
  ExportQuerySchema,
  JournalListQuerySchema,
  JournalListSchema,
  TrialBalanceSchema,
} from "../schemas/journal.js";
import { newRouter, type RouteDeps, requireCompany } from "./deps.js";

const CompanyParams = idParam("co_demo");

const entries = createRoute({
  method: "get",
  path: "/api/journal-entries",
  tags: ["journal"],
  summary: "A company's journal entries with their lines, newest first",
  request: { query: JournalListQuerySchema },
  responses: { 200: json(JournalListSchema, "A page of entries"), ...errorResponses(400, 401, 404) },
});

const balance = createRoute({
  method: "get",
  path: "/api/companies/{id}/trial-balance",
  tags: ["journal"],
  summary: "Debits and credits per account; balanced when the totals agree",
  request: {
    params: CompanyParams,
    query: z.object({ as_of: z.iso.date().optional().openapi({ example: "2026-03-31" }) }),
  },
  responses: { 200: json(TrialBalanceSchema, "The trial balance"), ...errorResponses(400, 401, 404) },
});

const exportJournal = createRoute({
  method: "get",
  path: "/api/companies/{id}/journal/export",
  tags: ["journal"],
  summary: "The whole journal as CSV (formulas neutralised) or beancount text",
  request: { params: CompanyParams, query: ExportQuerySchema },
  responses: {
    200: {
      description: "A file download",
      content: { "text/csv": { schema: z.string() }, "text/plain": { schema: z.string() } },
    },
    ...errorResponses(400, 401, 404),
  },
});

export function journalRoutes({ db }: RouteDeps) {
  const app = newRouter();
  app.openapi(entries, async (c) => {
    const q = c.req.valid("query");
    await requireCompany(db, c.var.tenantId, q.company_id);
    const page = await listJournalEntries(db, c.var.tenantId, {
      companyId: q.company_id,
      ...(q.transaction_id ? { transactionId: q.transaction_id } : {}),
      cursor: q.cursor ?? null,
      limit: q.limit ?? 50,
    });
    return c.json({ entries: page.entries.map(journalEntryToWire), next_cursor: page.nextCursor }, 200);
  });
  app.openapi(balance, async (c) => {
    const { id } = c.req.valid("param");
    const { as_of } = c.req.valid("query");
    await requireCompany(db, c.var.tenantId, id);
    const tb = await trialBalance(db, c.var.tenantId, id, as_of ? { asOf: as_of } : {});
    return c.json(trialBalanceToWire(id, tb), 200);
  });
  app.openapi(exportJournal, async (c) => {
    const { id } = c.req.valid("param");
    const { format } = c.req.valid("query");
    await requireCompany(db, c.var.tenantId, id);
    const csv = format === "csv";
    const text = csv
      ? await exportJournalCsv(db, c.var.tenantId, id)
      : await exportJournalBeancount(db, c.var.tenantId, id);
    c.header("Content-Type", csv ? "text/csv; charset=utf-8" : "text/plain; charset=utf-8");
    c.header("Content-Disposition", `attachment; filename="journal-${id}.${csv ? "csv" : "beancount"}"`);
    return c.body(text, 200);
  });
  return app;
}
