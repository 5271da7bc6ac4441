import { type BooksDb, createCompany, createRule, insertTransactions, listAccounts } from "@ledgerflow/books";

/** Rows in each uploaded statement: four coffees (two identical, both real), a rent and a salary. */
export const UPLOAD_ROWS = 6;
/** Of those, the rows the company's COFFEE rule books (one journal entry each). */
export const UPLOAD_RULE_ROWS = 4;

export interface ScaleBooks {
  /** Companies the categorize jobs work on, each with `uncategorized` COFFEE transactions waiting. */
  categorizeCompanies: string[];
  /** Companies the uploads go to. */
  uploadCompanies: string[];
  /** COFFEE transactions inserted uncategorized, across the categorize companies. */
  waiting: number;
}

/**
 * Companies of the tenant (straight into the database: the fixture is not what is under test), each
 * with a rule "description contains COFFEE → an expense account".
 */
export async function createScaleBooks(
  db: BooksDb,
  tenantId: string,
  o: { categorizeCompanies: number; uploadCompanies: number; uncategorized: number },
): Promise<ScaleBooks> {
  const make = async (name: string) => {
    const company = await createCompany(db, tenantId, { name });
    const expense = (await listAccounts(db, tenantId, company.id)).find((a) => a.type === "expense");
    if (!expense) throw new Error("the default chart has no expense account");
    await createRule(db, tenantId, {
      companyId: company.id,
      name: "coffee",
      conditions: [{ field: "description", op: "contains", value: "COFFEE" }],
      accountId: expense.id,
    });
    return company.id;
  };
  const categorizeCompanies: string[] = [];
  for (let c = 0; c < o.categorizeCompanies; c++) {
    const id = await make(`Scale categorize ${c}`);
    await insertTransactions(db, tenantId, {
      companyId: id,
      rows: Array.from({ length: o.uncategorized }, (_, i) => ({
        date: "2024-06-01",
        description: `COFFEE BEANS ${c}-${i}`,
        amountCents: -(1000 + i),
        fingerprint: `scale-${c}-${i}`,
      })),
    });
    categorizeCompanies.push(id);
  }
  const uploadCompanies: string[] = [];
  for (let c = 0; c < o.uploadCompanies; c++) uploadCompanies.push(await make(`Scale upload ${c}`));
  return { categorizeCompanies, uploadCompanies, waiting: o.categorizeCompanies * o.uncategorized };
}

/** A bank statement unique to `n` (its own dates, descriptions and amounts). */
export function statement(n: number): string {
  const date = `2025-${String((Math.floor(n / 28) % 12) + 1).padStart(2, "0")}-${String((n % 28) + 1).padStart(2, "0")}`;
  const money = (cents: number) => (cents / 100).toFixed(2);
  return [
    "Date,Description,Amount",
    `${date},COFFEE SHOP ${n},-${money(350 + n)}`,
    `${date},COFFEE SHOP ${n},-${money(350 + n)}`,
    `${date},COFFEE ROASTERS ${n},-${money(1200 + n)}`,
    `${date},COFFEE MACHINE ${n},-${money(9900 + n)}`,
    `${date},RENT ${n},-${money(100_000 + n)}`,
    `${date},SALARY ${n},${money(250_000 + n)}`,
    "",
  ].join("\n");
}
