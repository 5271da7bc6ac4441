import { z } from "@hono/zod-openapi";
import { Id } from "./common.js";

/**
 * Conditions are checked in full by the books package's rule schema when a rule is saved (a bad
 * condition is a 400 that says which); here they are described for the docs and the client.
 */
export const ConditionSchema = z.record(z.string(), z.unknown()).openapi("RuleCondition", {
  example: { field: "description", op: "contains", value: "REWE" },
});

export const RuleSchema = z
  .object({
    id: z.string(),
    company_id: z.string(),
    name: z.string(),
    priority: z.number().int(),
    conditions: z.array(ConditionSchema),
    account_id: z.string(),
    enabled: z.boolean(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("Rule");

export const CreateRuleSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    conditions: z.array(ConditionSchema).min(1).max(20),
    account_id: Id,
    priority: z.number().int().min(0).max(1_000_000).optional(),
    enabled: z.boolean().optional(),
  })
  .openapi("CreateRule");

export const UpdateRuleSchema = CreateRuleSchema.partial().openapi("UpdateRule");

export const ReorderRulesSchema = z.object({ rule_ids: z.array(Id).max(10_000) }).openapi("ReorderRules");

export const RuleListSchema = z.object({ rules: z.array(RuleSchema) }).openapi("RuleList");

export type Rule = z.infer<typeof RuleSchema>;
export type CreateRule = z.infer<typeof CreateRuleSchema>;
export type UpdateRule = z.infer<typeof UpdateRuleSchema>;
