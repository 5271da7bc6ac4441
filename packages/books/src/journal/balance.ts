import { BooksError } from "../db/errors.js";

export interface JournalLineInput {
  accountId: string;
  debitCents: number;
  creditCents: number;
}

/**
 * The rule every entry obeys before it is written: at least two lines, each moving a positive
 * whole number of cents on exactly one side, and debits equal to credits. The database checks the
 * per-line part too (journal_lines_one_side); the sum is checked here because a cross-row check
 * cannot be expressed portably (see docs/books/journal.md).
 */
export function assertBalanced(lines: readonly JournalLineInput[]): void {
  if (lines.length < 2) throw new BooksError("invalid", "a journal entry needs at least two lines");
  let debits = 0;
  let credits = 0;
  for (const [i, line] of lines.entries()) {
    const { debitCents: d, creditCents: c } = line;
    if (!Number.isSafeInteger(d) || !Number.isSafeInteger(c) || d < 0 || c < 0) {
      throw new BooksError("invalid", `line ${i + 1}: amounts must be non-negative whole cents`);
    }
    if (d > 0 === c > 0) {
      throw new BooksError("invalid", `line ${i + 1}: exactly one of debit and credit must be positive`);
    }
    debits += d;
    credits += c;
  }
  if (!Number.isSafeInteger(debits) || debits !== credits) {
    throw new BooksError(
      "invalid",
      `journal entry does not balance: debits ${debits} ≠ credits ${credits} (cents)`,
    );
  }
}

/**
 * The two lines that book a bank transaction. Money out (negative) is Dr expense / Cr bank; money in
 * is Dr bank / Cr income (or whichever account was chosen). A zero amount books nothing: null.
 */
export function linesForTransaction(
  amountCents: number,
  accountId: string,
  bankAccountId: string,
): JournalLineInput[] | null {
  if (amountCents === 0) return null;
  const amount = Math.abs(amountCents);
  return amountCents < 0
    ? [
        { accountId, debitCents: amount, creditCents: 0 },
        { accountId: bankAccountId, debitCents: 0, creditCents: amount },
      ]
    : [
        { accountId: bankAccountId, debitCents: amount, creditCents: 0 },
        { accountId, debitCents: 0, creditCents: amount },
      ];
}
