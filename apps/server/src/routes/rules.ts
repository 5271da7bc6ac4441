import { createRoute, type z } from "@hono/zod-openapi";
import { createRule, deleteRule, getRule, listRules, reorderRules, updateRule } from "@ledgerflow/books";
import { ruleToWire } from "../domain/wire.js";
import { notFound } from "../errors.js";
import { errorResponses, idParam, json, jsonBody } from "../schemas/common.js";
import {
  CreateRuleSchema,
  ReorderRulesSchema,
  RuleListSchema,
  RuleSchema,
  UpdateRuleSchema,
} from "../schemas/rules.js";
import { newRouter, type RouteDeps, requireCompany } from "./deps.js";

const CompanyParams = idParam("co_demo");
const RuleParams = idParam("rule_3n…");

const list = createRoute({
  method: "get",
  path: "/api/companies/{id}/rules",
  tags: ["rules"],
  summary: "The company's rules in evaluation order",
  request: { params: CompanyParams },
  responses: { 200: json(RuleListSchema, "Rules"), ...errorResponses(401, 404) },
});

const create = createRoute({
  method: "post",
  path: "/api/companies/{id}/rules",
  tags: ["rules"],
  summary: "Create a rule (after the last one unless a priority is given)",
  request: { params: CompanyParams, body: jsonBody(CreateRuleSchema) },
  responses: { 201: json(RuleSchema, "The new rule"), ...errorResponses(400, 401, 404, 429) },
});

const reorder = createRoute({
  method: "put",
  path: "/api/companies/{id}/rules/order",
  tags: ["rules"],
  summary: "Put every rule of the company in this order",
  request: { params: CompanyParams, body: jsonBody(ReorderRulesSchema) },
  responses: { 200: json(RuleListSchema, "Rules in their new order"), ...errorResponses(400, 401, 404, 429) },
});

const get = createRoute({
  method: "get",
  path: "/api/rules/{id}",
  tags: ["rules"],
  summary: "One rule",
  request: { params: RuleParams },
  responses: { 200: json(RuleSchema, "The rule"), ...errorResponses(401, 404) },
});

const update = createRoute({
  method: "patch",
  path: "/api/rules/{id}",
  tags: ["rules"],
  summary: "Change some fields of a rule",
  request: { params: RuleParams, body: jsonBody(UpdateRuleSchema) },
  responses: { 200: json(RuleSchema, "The rule"), ...errorResponses(400, 401, 404, 429) },
});

const remove = createRoute({
  method: "delete",
  path: "/api/rules/{id}",
  tags: ["rules"],
  summary: "Delete a rule",
  request: { params: RuleParams },
  responses: { 204: { description: "Deleted" }, ...errorResponses(401, 404, 429) },
});

type RulePatch = z.infer<typeof UpdateRuleSchema>;
const toRuleInput = (body: RulePatch) => ({
  ...(body.name !== undefined ? { name: body.name } : {}),
  ...(body.conditions !== undefined ? { conditions: body.conditions } : {}),
  ...(body.account_id !== undefined ? { accountId: body.account_id } : {}),
  ...(body.priority !== undefined ? { priority: body.priority } : {}),
  ...(body.enabled !== undefined ? { enabled: body.enabled } : {}),
});

export function ruleRoutes({ db }: RouteDeps) {
  const app = newRouter();
  app.openapi(list, async (c) => {
    const { id } = c.req.valid("param");
    await requireCompany(db, c.var.tenantId, id);
    return c.json({ rules: (await listRules(db, c.var.tenantId, id)).map(ruleToWire) }, 200);
  });
  app.openapi(create, async (c) => {
    const { id } = c.req.valid("param");
    await requireCompany(db, c.var.tenantId, id);
    const body = c.req.valid("json");
    const rule = await createRule(db, c.var.tenantId, {
      ...toRuleInput(body),
      name: body.name,
      conditions: body.conditions,
      accountId: body.account_id,
      companyId: id,
    });
    c.header("Location", `/api/rules/${rule.id}`);
    return c.json(ruleToWire(rule), 201);
  });
  app.openapi(reorder, async (c) => {
    const { id } = c.req.valid("param");
    await requireCompany(db, c.var.tenantId, id);
    const rules = await reorderRules(db, c.var.tenantId, id, c.req.valid("json").rule_ids);
    return c.json({ rules: rules.map(ruleToWire) }, 200);
  });
  app.openapi(get, async (c) => {
    const { id } = c.req.valid("param");
    const rule = await getRule(db, c.var.tenantId, id);
    if (!rule) throw notFound("rule", id);
    return c.json(ruleToWire(rule), 200);
  });
  app.openapi(update, async (c) => {
    const { id } = c.req.valid("param");
    const rule = await updateRule(db, c.var.tenantId, id, toRuleInput(c.req.valid("json")));
    if (!rule) throw notFound("rule", id);
    return c.json(ruleToWire(rule), 200);
  });
  app.openapi(remove, async (c) => {
    const { id } = c.req.valid("param");
    if (!(await deleteRule(db, c.var.tenantId, id))) throw notFound("rule", id);
    return c.body(null, 204);
  });
  return app;
}
