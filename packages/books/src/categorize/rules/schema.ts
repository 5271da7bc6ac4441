import { z } from "zod";

/**
 * Rules are data, not code: the server stores them as JSON and validates bodies with {@link ruleSchema}.
 * Text matching is case-insensitive; amounts compare the absolute value in minor units, so a rule says
 * "between $10 and $50" without caring about the sign, and `direction` says which sign.
 */

const textField = z.enum(["description", "payee"]);

/** Rejects a pattern JavaScript cannot compile, so a bad rule fails when saved, not when run. */
function compiles(pattern: string): boolean {
  try {
    new RegExp(pattern, "i");
    return true;
  } catch {
    return false;
  }
}

export const textConditionSchema = z.discriminatedUnion("op", [
  z.object({ field: textField, op: z.literal("contains"), value: z.string().min(1) }),
  z.object({ field: textField, op: z.literal("equals"), value: z.string() }),
  z.object({ field: textField, op: z.literal("starts_with"), value: z.string().min(1) }),
  z.object({
    field: textField,
    op: z.literal("regex"),
    value: z
      .string()
      .min(1)
      .max(500)
      .refine(compiles, {
        error: (issue) =>
          `"${String(issue.input)}" is not a valid regular expression; fix the pattern (JavaScript syntax, matched case-insensitively)`,
      }),
  }),
]);

const cents = z.number().int().nonnegative();

export const amountConditionSchema = z
  .object({ field: z.literal("amount"), min: cents.optional(), max: cents.optional() })
  .refine((c) => c.min !== undefined || c.max !== undefined, {
    error: "an amount condition needs min, max or both (in cents, compared with the absolute amount)",
  })
  .refine((c) => c.min === undefined || c.max === undefined || c.min <= c.max, {
    error: "amount min must not be greater than max",
  });

export const directionConditionSchema = z.object({
  field: z.literal("direction"),
  value: z.enum(["in", "out"]),
});

export const conditionSchema = z.union([
  textConditionSchema,
  amountConditionSchema,
  directionConditionSchema,
]);

export const ruleSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1).max(200),
  /** Lower runs first. */
  priority: z.number().int(),
  conditions: z.array(conditionSchema).min(1, { error: "a rule needs at least one condition" }).max(20),
  accountId: z.string().min(1),
  enabled: z.boolean(),
});

export type TextCondition = z.infer<typeof textConditionSchema>;
export type AmountCondition = z.infer<typeof amountConditionSchema>;
export type DirectionCondition = z.infer<typeof directionConditionSchema>;
export type Condition = z.infer<typeof conditionSchema>;
export type Rule = z.infer<typeof ruleSchema>;
