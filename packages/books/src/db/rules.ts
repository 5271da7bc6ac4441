import { z } from "zod";
import { conditionSchema, type Rule } from "../categorize/rules/schema.js";
import { requireAccountsOfCompany } from "./accounts.js";
import { BooksError } from "./errors.js";
import { newId } from "./ids.js";
import type { BooksDb } from "./open.js";
import type { RuleRow } from "./schema.js";

/** A stored rule: the categorizer's {@link Rule} plus the company it belongs to. */
export interface StoredRule extends Rule {
  companyId: string;
  createdAt: number;
  updatedAt: number;
}

const conditionsSchema = z.array(conditionSchema).min(1).max(20);

function toRule(row: RuleRow): StoredRule {
  return {
    id: row.id,
    companyId: row.company_id,
    name: row.name,
    priority: row.priority,
    conditions: conditionsSchema.parse(JSON.parse(row.conditions)),
    accountId: row.account_id,
    enabled: row.enabled === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function checkConditions(conditions: unknown): Rule["conditions"] {
  const parsed = conditionsSchema.safeParse(conditions);
  if (!parsed.success) {
    throw new BooksError("invalid", `rule conditions are not valid: ${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}

/** The company's rules in evaluation order (priority, then creation). */
export async function listRules(db: BooksDb, tenantId: string, companyId: string): Promise<StoredRule[]> {
  const rows = await db
    .selectFrom("rules")
    .selectAll()
    .where("tenant_id", "=", tenantId)
    .where("company_id", "=", companyId)
    .orderBy("priority")
    .orderBy("created_at")
    .orderBy("id")
    .execute();
  return rows.map(toRule);
}

export async function getRule(db: BooksDb, tenantId: string, ruleId: string): Promise<StoredRule | null> {
  const row = await db
    .selectFrom("rules")
    .selectAll()
    .where("tenant_id", "=", tenantId)
    .where("id", "=", ruleId)
    .executeTakeFirst();
  return row ? toRule(row) : null;
}

export interface RuleInput {
  name: string;
  conditions: unknown;
  accountId: string;
  /** Default: after the company's last rule. */
  priority?: number;
  enabled?: boolean;
}

export async function createRule(
  db: BooksDb,
  tenantId: string,
  input: RuleInput & { companyId: string },
): Promise<StoredRule> {
  const conditions = checkConditions(input.conditions);
  await requireAccountsOfCompany(db, tenantId, input.companyId, [input.accountId]);
  let priority = input.priority;
  if (priority === undefined) {
    const last = await db
      .selectFrom("rules")
      .select((eb) => eb.fn.max("priority").as("max"))
      .where("tenant_id", "=", tenantId)
      .where("company_id", "=", input.companyId)
      .executeTakeFirst();
    priority = last?.max == null ? 10 : Number(last.max) + 10;
  }
  const now = Date.now();
  const row: RuleRow = {
    id: newId("rule"),
    tenant_id: tenantId,
    company_id: input.companyId,
    name: input.name,
    conditions: JSON.stringify(conditions),
    account_id: input.accountId,
    priority,
    enabled: input.enabled === false ? 0 : 1,
    created_at: now,
    updated_at: now,
  };
  await db.insertInto("rules").values(row).execute();
  return toRule(row);
}

/** Updates the given fields; null when the rule is unknown or another tenant's. */
export async function updateRule(
  db: BooksDb,
  tenantId: string,
  ruleId: string,
  patch: Partial<RuleInput>,
): Promise<StoredRule | null> {
  const existing = await getRule(db, tenantId, ruleId);
  if (!existing) return null;
  if (patch.accountId !== undefined)
    await requireAccountsOfCompany(db, tenantId, existing.companyId, [patch.accountId]);
  await db
    .updateTable("rules")
    .set({
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.conditions !== undefined
        ? { conditions: JSON.stringify(checkConditions(patch.conditions)) }
        : {}),
      ...(patch.accountId !== undefined ? { account_id: patch.accountId } : {}),
      ...(patch.priority !== undefined ? { priority: patch.priority } : {}),
      ...(patch.enabled !== undefined ? { enabled: patch.enabled ? 1 : 0 } : {}),
      updated_at: Date.now(),
    })
    .where("tenant_id", "=", tenantId)
    .where("id", "=", ruleId)
    .execute();
  return getRule(db, tenantId, ruleId);
}

export async function deleteRule(db: BooksDb, tenantId: string, ruleId: string): Promise<boolean> {
  const result = await db
    .deleteFrom("rules")
    .where("tenant_id", "=", tenantId)
    .where("id", "=", ruleId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/**
 * Puts the company's rules in the given order (priorities 10, 20, …). `ruleIds` must list every rule
 * of the company exactly once, so a stale client cannot silently drop one from the order.
 */
export async function reorderRules(
  db: BooksDb,
  tenantId: string,
  companyId: string,
  ruleIds: readonly string[],
): Promise<StoredRule[]> {
  const current = await listRules(db, tenantId, companyId);
  const known = new Set(current.map((r) => r.id));
  if (
    ruleIds.length !== known.size ||
    new Set(ruleIds).size !== ruleIds.length ||
    !ruleIds.every((id) => known.has(id))
  ) {
    throw new BooksError("invalid", "ruleIds must list every rule of the company exactly once");
  }
  const now = Date.now();
  await db.transaction().execute(async (trx) => {
    for (const [index, id] of ruleIds.entries()) {
      await trx
        .updateTable("rules")
        .set({ priority: (index + 1) * 10, updated_at: now })
        .where("tenant_id", "=", tenantId)
        .where("id", "=", id)
        .execute();
    }
  });
  return listRules(db, tenantId, companyId);
}
