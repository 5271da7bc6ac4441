import {
  type BooksDb,
  createCompany,
  createImport,
  createRule,
  createTenant,
  insertTransactions,
  listAccounts,
} from "@ledgerflow/books";
import type { Queue } from "@ledgerflow/jobs";

/** Rows in each generated statement: two identical coffees (both real), a rent and a salary. */
export const ROWS_PER_UPLOAD = 4;
/** Of those, the rows the company's rule categorizes (so each gets exactly one live journal entry). */
export const RULE_ROWS_PER_UPLOAD = 2;
export const DIRECT_ROWS_PER_COMPANY = 20;

export interface Books {
  tenantId: string;
  companyIds: string[];
}

/** A tenant with `companies` companies, each with a rule "COFFEE → an expense account". */
export async function createBooks(db: BooksDb, companies: number): Promise<Books> {
  const tenant = await createTenant(db, { name: "Chaos" });
  const companyIds: string[] = [];
  for (let i = 0; i < companies; i++) {
    const company = await createCompany(db, tenant.id, { name: `Chaos ${i}` });
    const accounts = await listAccounts(db, tenant.id, company.id);
    const expense = accounts.find((a) => a.type === "expense");
    if (!expense) throw new Error("the default chart has no expense account");
    await createRule(db, tenant.id, {
      companyId: company.id,
      name: "coffee",
      conditions: [{ field: "description", op: "contains", value: "COFFEE" }],
      accountId: expense.id,
    });
    companyIds.push(company.id);
  }
  return { tenantId: tenant.id, companyIds };
}

/** A statement unique to `n` (its own dates, descriptions and amounts), as a bank would export it. */
export function statement(n: number): Uint8Array {
  const day = String((n % 28) + 1).padStart(2, "0");
  const month = String((Math.floor(n / 28) % 12) + 1).padStart(2, "0");
  const date = `2025-${month}-${day}`;
  const cents = (c: number) => (c / 100).toFixed(2);
  return new TextEncoder().encode(
    [
      "Date,Description,Amount",
      `${date},COFFEE SHOP ${n},-${cents(350 + n)}`,
      `${date},COFFEE SHOP ${n},-${cents(350 + n)}`,
      `${date},RENT ${n},-${cents(100_000 + n)}`,
      `${date},SALARY ${n},${cents(250_000 + n)}`,
      "",
    ].join("\n"),
  );
}

/** Stores the statement as an import and enqueues its upload_and_categorize job, as the route does. */
export async function enqueueUpload(db: BooksDb, queue: Queue, books: Books, n: number): Promise<string> {
  const companyId = books.companyIds[n % books.companyIds.length] ?? "";
  const upload = await createImport(db, books.tenantId, {
    companyId,
    filename: `statement-${n}.csv`,
    content: statement(n),
  });
  const { job } = await queue.enqueue(
    "upload_and_categorize",
    { import_id: upload.id },
    { tenantId: books.tenantId },
  );
  return job.id;
}

/** Uncategorized transactions that the company's rule matches, then one categorize job per company. */
export async function enqueueCategorizeAll(db: BooksDb, queue: Queue, books: Books): Promise<string[]> {
  const ids: string[] = [];
  for (const [c, companyId] of books.companyIds.entries()) {
    await insertTransactions(db, books.tenantId, {
      companyId,
      rows: Array.from({ length: DIRECT_ROWS_PER_COMPANY }, (_, i) => ({
        date: "2024-06-01",
        description: `COFFEE BEANS ${c}-${i}`,
        amountCents: -(1000 + i),
        fingerprint: `direct-${c}-${i}`,
      })),
    });
    const { job } = await queue.enqueue(
      "categorize_transactions",
      { company_id: companyId },
      { tenantId: books.tenantId },
    );
    ids.push(job.id);
  }
  return ids;
}
