import type { RuleCondition } from "../../api/types.js";
import { formatCents } from "../../app/format.js";

/** A rule's conditions in words, e.g. `description contains "REWE" and money out`. */
export function describeConditions(conditions: readonly RuleCondition[]): string {
  return conditions.map(describeCondition).join(" and ");
}

function describeCondition(c: RuleCondition): string {
  if (c.field === "direction") return c.value === "in" ? "money in" : "money out";
  if (c.field === "amount") {
    if (c.min !== undefined && c.max !== undefined)
      return `amount ${formatCents(c.min)}–${formatCents(c.max)}`;
    if (c.min !== undefined) return `amount ≥ ${formatCents(c.min)}`;
    return `amount ≤ ${formatCents(c.max ?? 0)}`;
  }
  return `${c.field} ${c.op.replace("_", " ")} "${c.value}"`;
}

/** Parses "12.50" or "12,50" to cents; null for empty or invalid text. */
export function parseAmountInput(text: string): number | null {
  const cleaned = text.trim().replace(",", ".");
  if (!/^\d+(\.\d{1,2})?$/.test(cleaned)) return null;
  const [whole = "0", fraction = ""] = cleaned.split(".");
  return Number(whole) * 100 + Number(fraction.padEnd(2, "0"));
}
