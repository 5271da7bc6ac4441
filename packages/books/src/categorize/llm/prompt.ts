import { z } from "zod";
import type { Account, TxnForCategorize } from "../types.js";

/**
 * The request and answer of one LLM call. Rows are referred to by short batch-local refs ("1".."N") so
 * the model never has to copy long ids, and the answer's schema limits `account_id` to the company's
 * account ids — an endpoint that honours structured output cannot invent an account.
 */

export interface PromptRow {
  ref: string;
  txn: TxnForCategorize;
}

const SYSTEM = `You are a careful bookkeeper. Assign each bank transaction to exactly one account of the company's chart of accounts.
Money out (negative amount) is usually an expense; money in is usually income; transfers, loans and owner money go to asset, liability or equity accounts.
Give a confidence between 0 and 1: how likely a human bookkeeper would agree. Use low confidence when the description is ambiguous (a bare cheque number, a person's name, a marketplace that sells everything).
Answer for every ref, with a short reason.`;

export function buildMessages(rows: readonly PromptRow[], accounts: readonly Account[]) {
  const chart = accounts.map((a) => ({ id: a.id, code: a.code, name: a.name, type: a.type }));
  const transactions = rows.map(({ ref, txn }) => ({
    ref,
    date: txn.date,
    description: txn.description,
    payee: txn.payee,
    amount: (txn.amountCents / 100).toFixed(2),
  }));
  return [
    { role: "system" as const, content: `${SYSTEM}\n\nAccounts:\n${JSON.stringify(chart)}` },
    { role: "user" as const, content: JSON.stringify({ transactions }) },
  ];
}

export function buildResponseFormat(rows: readonly PromptRow[], accounts: readonly Account[]) {
  return {
    type: "json_schema" as const,
    json_schema: {
      name: "categorizations",
      strict: true,
      schema: {
        type: "object",
        additionalProperties: false,
        required: ["results"],
        properties: {
          results: {
            type: "array",
            items: {
              type: "object",
              additionalProperties: false,
              required: ["ref", "account_id", "confidence", "reason"],
              properties: {
                ref: { type: "string", enum: rows.map((r) => r.ref) },
                account_id: { type: "string", enum: accounts.map((a) => a.id) },
                confidence: { type: "number" },
                reason: { type: "string" },
              },
            },
          },
        },
      },
    },
  };
}

/** Lenient per row: one bad row must not discard the others, so rows are checked one by one below. */
const answerSchema = z.object({ results: z.array(z.unknown()) });
const rowSchema = z.object({
  ref: z.union([z.string(), z.number()]).transform(String),
  account_id: z.string(),
  confidence: z.number().optional(),
  reason: z.string().optional(),
});

export type AnswerRow = z.infer<typeof rowSchema>;

/** Thrown when the answer is not the JSON asked for: worth another call, the next answer may be fine. */
export class MalformedAnswerError extends Error {
  override readonly name = "MalformedAnswerError";
}

export function parseAnswer(content: string | null | undefined): AnswerRow[] {
  let json: unknown;
  try {
    json = JSON.parse(content ?? "");
  } catch {
    throw new MalformedAnswerError(
      `the LLM answered with text that is not JSON: ${String(content).slice(0, 80)}`,
    );
  }
  const parsed = answerSchema.safeParse(json);
  if (!parsed.success) throw new MalformedAnswerError("the LLM answer has no results array");
  return parsed.data.results.flatMap((r) => {
    const row = rowSchema.safeParse(r);
    return row.success ? [row.data] : [];
  });
}
