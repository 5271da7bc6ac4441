import { createRoute } from "@hono/zod-openapi";
import {
  getTransaction,
  listTransactions,
  recategorizeTransaction,
  type TransactionStatus,
} from "@ledgerflow/books";
import { transactionToWire } from "../domain/wire.js";
import { notFound } from "../errors.js";
import { errorResponses, idParam, json, jsonBody } from "../schemas/common.js";
import {
  RecategorizeSchema,
  TransactionListQuerySchema,
  TransactionListSchema,
  TransactionSchema,
} from "../schemas/transactions.js";
import { newRouter, type RouteDeps } from "./deps.js";

const TransactionParams = idParam("txn_8f2k…");

const list = createRoute({
  method: "get",
  path: "/api/transactions",
  tags: ["transactions"],
  summary: "Transactions, newest first; filter by company, status (comma-separated) and import",
  request: { query: TransactionListQuerySchema },
  responses: { 200: json(TransactionListSchema, "A page of transactions"), ...errorResponses(400, 401) },
});

const get = createRoute({
  method: "get",
  path: "/api/transactions/{id}",
  tags: ["transactions"],
  summary: "One transaction",
  request: { params: TransactionParams },
  responses: { 200: json(TransactionSchema, "The transaction"), ...errorResponses(401, 404) },
});

const recategorize = createRoute({
  method: "patch",
  path: "/api/transactions/{id}",
  tags: ["transactions"],
  summary: "Re-categorize by hand: reverses the live journal entry and posts a new one",
  request: { params: TransactionParams, body: jsonBody(RecategorizeSchema) },
  responses: {
    200: json(TransactionSchema, "The transaction, categorized (source manual)"),
    ...errorResponses(400, 401, 404, 429),
  },
});

export function transactionRoutes({ db }: RouteDeps) {
  const app = newRouter();
  app.openapi(list, async (c) => {
    const q = c.req.valid("query");
    const page = await listTransactions(db, c.var.tenantId, {
      ...(q.company_id ? { companyId: q.company_id } : {}),
      ...(q.status ? { status: q.status.split(",") as TransactionStatus[] } : {}),
      ...(q.import_id ? { importId: q.import_id } : {}),
      cursor: q.cursor ?? null,
      limit: q.limit ?? 50,
    });
    return c.json(
      { transactions: page.transactions.map(transactionToWire), next_cursor: page.nextCursor },
      200,
    );
  });
  app.openapi(get, async (c) => {
    const { id } = c.req.valid("param");
    const transaction = await getTransaction(db, c.var.tenantId, id);
    if (!transaction) throw notFound("transaction", id);
    return c.json(transactionToWire(transaction), 200);
  });
  app.openapi(recategorize, async (c) => {
    const { id } = c.req.valid("param");
    const result = await recategorizeTransaction(db, c.var.tenantId, id, c.req.valid("json").account_id);
    if (!result) throw notFound("transaction", id);
    return c.json(transactionToWire(result.transaction), 200);
  });
  return app;
}
