import { createRoute } from "@hono/zod-openapi";
import { createCompany, listAccounts, listCompanies } from "@ledgerflow/books";
import { scheduleNightly } from "../domain/nightly.js";
import { accountToWire, companyToWire } from "../domain/wire.js";
import { errorResponses, idParam, json, jsonBody } from "../schemas/common.js";
import {
  AccountListSchema,
  CompanyListSchema,
  CompanySchema,
  CreateCompanySchema,
} from "../schemas/companies.js";
import { newRouter, type RouteDeps, requireCompany } from "./deps.js";

const CompanyParams = idParam("co_demo");

const list = createRoute({
  method: "get",
  path: "/api/companies",
  tags: ["companies"],
  summary: "The tenant's companies",
  responses: { 200: json(CompanyListSchema, "Companies"), ...errorResponses(401) },
});

const create = createRoute({
  method: "post",
  path: "/api/companies",
  tags: ["companies"],
  summary: "Create a company with the default chart of accounts and its nightly categorize schedule",
  request: { body: jsonBody(CreateCompanySchema) },
  responses: { 201: json(CompanySchema, "The new company"), ...errorResponses(400, 401, 429) },
});

const get = createRoute({
  method: "get",
  path: "/api/companies/{id}",
  tags: ["companies"],
  summary: "One company",
  request: { params: CompanyParams },
  responses: { 200: json(CompanySchema, "The company"), ...errorResponses(401, 404) },
});

const accounts = createRoute({
  method: "get",
  path: "/api/companies/{id}/accounts",
  tags: ["companies"],
  summary: "The company's chart of accounts, by code",
  request: { params: CompanyParams },
  responses: { 200: json(AccountListSchema, "Accounts"), ...errorResponses(401, 404) },
});

export function companyRoutes({ db, queue, nightly }: RouteDeps) {
  const app = newRouter();
  app.openapi(list, async (c) => {
    const companies = await listCompanies(db, c.var.tenantId);
    return c.json({ companies: companies.map(companyToWire) }, 200);
  });
  app.openapi(create, async (c) => {
    const body = c.req.valid("json");
    const company = await createCompany(db, c.var.tenantId, { name: body.name });
    // The company exists now: a job store that is down must not turn that into an error the client
    // would retry (a second company). The next start's reconcile creates the missing schedule.
    await scheduleNightly(
      queue,
      { tenantId: c.var.tenantId, companyId: company.id, timezone: body.timezone },
      nightly,
    ).catch((error: unknown) =>
      c.var.log?.warn(
        { err: error, company_id: company.id },
        "nightly schedule not created; reconciled at the next start",
      ),
    );
    c.header("Location", `/api/companies/${company.id}`);
    return c.json(companyToWire(company), 201);
  });
  app.openapi(get, async (c) => {
    const company = await requireCompany(db, c.var.tenantId, c.req.valid("param").id);
    return c.json(companyToWire(company), 200);
  });
  app.openapi(accounts, async (c) => {
    const { id } = c.req.valid("param");
    await requireCompany(db, c.var.tenantId, id);
    return c.json({ accounts: (await listAccounts(db, c.var.tenantId, id)).map(accountToWire) }, 200);
  });
  return app;
}
