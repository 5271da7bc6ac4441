import { createAccount, listAccounts } from "../db/accounts.js";
import { BooksError } from "../db/errors.js";
import type { BooksDb } from "../db/open.js";

/**
 * History imports (Mint, YNAB, Monarch, Actual exports) carry a category per row. Each category maps
 * to the company account of that name (or code), case-insensitively; a missing one is created —
 * income when the category's rows are mostly money in, otherwise expense — so the rows arrive
 * categorized and teach the history categorizer. Returns category (lower-cased) → account id.
 */
export async function resolveCategoryAccounts(
  db: BooksDb,
  tenantId: string,
  companyId: string,
  rows: readonly { category?: string | undefined; amountCents: number }[],
): Promise<Map<string, string>> {
  // Two imports into one company may create accounts at the same moment: the loser of a race on a
  // code (checked, then enforced by the unique index) reads the chart again — the winner's account
  // of the same name is then reused, another name takes the next free code.
  for (let attempt = 1; ; attempt++) {
    try {
      return await resolveOnce(db, tenantId, companyId, rows);
    } catch (error) {
      if (attempt >= 5 || !isCodeConflict(error)) throw error;
    }
  }
}

function isCodeConflict(error: unknown): boolean {
  if (error instanceof BooksError) return error.code === "conflict";
  const code = (error as { code?: unknown } | null)?.code;
  return code === "23505" || code === "SQLITE_CONSTRAINT_UNIQUE";
}

async function resolveOnce(
  db: BooksDb,
  tenantId: string,
  companyId: string,
  rows: readonly { category?: string | undefined; amountCents: number }[],
): Promise<Map<string, string>> {
  const balance = new Map<string, number>();
  for (const row of rows) {
    const name = row.category?.trim();
    if (!name) continue;
    const key = name.toLowerCase();
    balance.set(key, (balance.get(key) ?? 0) + Math.sign(row.amountCents));
  }
  const resolved = new Map<string, string>();
  if (balance.size === 0) return resolved;
  const accounts = await listAccounts(db, tenantId, companyId);
  const usedCodes = new Set(accounts.map((a) => a.code));
  for (const a of accounts) {
    if (a.isBank) continue;
    resolved.set(a.name.toLowerCase(), a.id);
    if (!resolved.has(a.code.toLowerCase())) resolved.set(a.code.toLowerCase(), a.id);
  }
  const originalName = new Map<string, string>();
  for (const row of rows) {
    const name = row.category?.trim();
    if (name && !originalName.has(name.toLowerCase())) originalName.set(name.toLowerCase(), name);
  }
  for (const [key, sign] of balance) {
    if (resolved.has(key)) continue;
    const type = sign > 0 ? "income" : "expense";
    // New accounts go after the default chart: 4500+ for income, 7000+ for expenses.
    let code = type === "income" ? 4500 : 7000;
    while (usedCodes.has(String(code))) code += 1;
    usedCodes.add(String(code));
    const account = await createAccount(db, tenantId, {
      companyId,
      code: String(code),
      name: originalName.get(key) ?? key,
      type,
    });
    resolved.set(key, account.id);
  }
  return resolved;
}
