import { OpenAPIHono } from "@hono/zod-openapi";
import { type BooksDb, getCompany } from "@ledgerflow/books";
import type { Queue } from "@ledgerflow/jobs";
import { validationHook } from "@ledgerflow/jobs/http";
import type { AppEnv } from "../context.js";
import type { NightlySettings } from "../domain/nightly.js";
import { notFound } from "../errors.js";
import type { BooksTransactionEnqueue } from "../runtime/books-transaction-enqueue.js";

/** What the route modules need; built once by createApp. */
export interface RouteDeps {
  db: BooksDb;
  queue: Queue;
  uploadMaxBytes: number;
  /** The runtime's transactional enqueue, when the job store shares the books database. */
  enqueueInBooksTransaction?: BooksTransactionEnqueue | null;
  /** The nightly schedule each new company gets. */
  nightly: NightlySettings;
}

/** Each route module is its own OpenAPIHono so its routes land in /openapi.json when mounted. */
export const newRouter = () => new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

/** The tenant's company, or a 404 that looks the same for unknown and foreign ids. */
export async function requireCompany(db: BooksDb, tenantId: string, companyId: string) {
  const company = await getCompany(db, tenantId, companyId);
  if (!company) throw notFound("company", companyId);
  return company;
}
