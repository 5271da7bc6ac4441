/**
 * The running-balance cross-check: where a file has a balance column, consecutive balances
 * differ by exactly one row's amount. Which row, and with which sign, depends on the file's
 * order (oldest or newest first) and on whether the balance is written after or before the
 * transaction — four layouts, all seen in real exports. A reading of the amount columns that
 * makes (nearly) every step add up is right about signs and in/out orientation; one that
 * does not is wrong, whatever its headers say.
 */

export type BalanceLayout =
  /** Oldest first, balance after the row: b[i] − b[i−1] = a[i]. */
  | "after-ascending"
  /** Newest first, balance after the row: b[i] − b[i+1] = a[i]. */
  | "after-descending"
  /** Oldest first, balance before the row: b[i+1] − b[i] = a[i]. */
  | "before-ascending"
  /** Newest first, balance before the row: b[i−1] − b[i] = a[i]. */
  | "before-descending";

export interface BalanceCheck {
  layout: BalanceLayout;
  /** Steps checked (pairs of neighbouring rows that both have a balance and an amount). */
  steps: number;
  /** Steps that add up exactly, to the cent. */
  matching: number;
}

// Below three steps a match is too easily a coincidence to overrule anything.
export const MIN_BALANCE_STEPS = 3;
// "Nearly every row": one stray step in ten (a fee booked apart, a pending row) is tolerated.
export const BALANCE_AGREEMENT = 0.9;

/** The best-fitting layout for these amounts and balances (null cells skipped), or null. */
export function checkBalance(
  amounts: ReadonlyArray<number | null>,
  balances: ReadonlyArray<number | null>,
  /**
   * The file's order by its dates. It must be known to tell signs apart: negated amounts fit
   * "before, newest first" exactly when the true ones fit "after, oldest first".
   */
  order: "ascending" | "descending" | null = null,
): BalanceCheck | null {
  const rows: Array<{ a: number; b: number }> = [];
  for (let i = 0; i < amounts.length; i++) {
    const a = amounts[i];
    const b = balances[i];
    if (a !== null && a !== undefined && b !== null && b !== undefined) rows.push({ a, b });
  }
  if (rows.length < 2) return null;
  const counts: Record<BalanceLayout, number> = {
    "after-ascending": 0,
    "after-descending": 0,
    "before-ascending": 0,
    "before-descending": 0,
  };
  for (let i = 1; i < rows.length; i++) {
    const prev = rows[i - 1]!;
    const cur = rows[i]!;
    const step = cur.b - prev.b;
    if (step === cur.a) counts["after-ascending"]++;
    if (-step === prev.a) counts["after-descending"]++;
    if (step === prev.a) counts["before-ascending"]++;
    if (-step === cur.a) counts["before-descending"]++;
  }
  let best: BalanceCheck | null = null;
  for (const layout of Object.keys(counts) as BalanceLayout[]) {
    if (order !== null && !layout.endsWith(order)) continue;
    if (best === null || counts[layout] > best.matching)
      best = { layout, steps: rows.length - 1, matching: counts[layout] };
  }
  return best;
}

/** The check proves the reading: enough steps, nearly all adding up. */
export function balanceVerifies(check: BalanceCheck | null): boolean {
  if (check === null || check.steps < MIN_BALANCE_STEPS) return false;
  // In a short file one stray step (a reversal booked apart) must not hide four that add up.
  const strays = check.steps - check.matching;
  return check.matching >= check.steps * BALANCE_AGREEMENT || (strays <= 1 && check.matching >= 4);
}

/**
 * The balance the file ends with: after its newest row. `first`/`last` are the first and last
 * rows in file order that had both an amount and a balance.
 */
export function closingBalance(
  layout: BalanceLayout,
  first: { amount: number; balance: number },
  last: { amount: number; balance: number },
): number {
  switch (layout) {
    case "after-ascending":
      return last.balance;
    case "after-descending":
      return first.balance;
    case "before-ascending":
      return last.balance + last.amount;
    case "before-descending":
      return first.balance + first.amount;
  }
}
