import { createRoute } from "@hono/zod-openapi";
import { createCompany, listAccounts, listCompanies } from "@ledgerflow/books";
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
  summary: "Create a company with the default chart of accounts",
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

export function companyRoutes({ db }: RouteDeps) {
  const app = newRouter();
  app.openapi(list, async (c) => {
    const companies = await listCompanies(db, c.var.tenantId);
    return c.json({ companies: companies.map(companyToWire) }, 200);
  });
  app.openapi(create, async (c) => {
    const company = await createCompany(db, c.var.tenantId, { name: c.req.valid("json").name });
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
