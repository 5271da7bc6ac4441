import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { createHistoryModel } from "../src/categorize/history/model.js";
import { insertTransactions, listTransactions } from "../src/db/transactions.js";
import { assertBalanced, linesForTransaction } from "../src/journal/balance.js";
import { listJournalEntries } from "../src/journal/entries.js";
import { exportJournalBeancount } from "../src/journal/export-beancount.js";
import { csvCell, exportJournalCsv, neutraliseFormula } from "../src/journal/export-csv.js";
import { bookTransactions, postEntry } from "../src/journal/post.js";
import { recategorizeTransaction } from "../src/journal/recategorize.js";
import { reverseEntry } from "../src/journal/reverse.js";
import { trialBalance } from "../src/journal/trial-balance.js";
import { seedCompany } from "./db.fixtures.js";
import { describeEachDialect } from "./db.support.js";

describe("journal lines", () => {
  it.each([
    [
      -1250,
      "Dr expense / Cr bank",
      [
        { accountId: "exp", debitCents: 1250, creditCents: 0 },
        { accountId: "bank", debitCents: 0, creditCents: 1250 },
      ],
    ],
    [
      9900,
      "Dr bank / Cr income",
      [
        { accountId: "bank", debitCents: 9900, creditCents: 0 },
        { accountId: "exp", debitCents: 0, creditCents: 9900 },
      ],
    ],
  ])("amount %i books %s", (amount, _label, lines) => {
    expect(linesForTransaction(amount, "exp", "bank")).toEqual(lines);
  });

  it("a zero amount books nothing", () => {
    expect(linesForTransaction(0, "exp", "bank")).toBeNull();
  });

  it.each([
    [
      "unbalanced",
      [
        { accountId: "a", debitCents: 100, creditCents: 0 },
        { accountId: "b", debitCents: 0, creditCents: 99 },
      ],
      /does not balance/,
    ],
    ["one line", [{ accountId: "a", debitCents: 0, creditCents: 0 }], /two lines/],
    [
      "both sides",
      [
        { accountId: "a", debitCents: 5, creditCents: 5 },
        { accountId: "b", debitCents: 5, creditCents: 5 },
      ],
      /exactly one/,
    ],
    [
      "fractional",
      [
        { accountId: "a", debitCents: 1.5, creditCents: 0 },
        { accountId: "b", debitCents: 0, creditCents: 1.5 },
      ],
      /whole cents/,
    ],
  ])("rejects an entry that is %s", (_name, lines, message) => {
    expect(() => assertBalanced(lines)).toThrow(message);
  });

  it("neutralises spreadsheet formulas in exported cells", () => {
    for (const bad of ['=HYPERLINK("x")', "+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"]) {
      expect(neutraliseFormula(bad)).toBe(`'${bad}`);
    }
    expect(neutraliseFormula("Coffee")).toBe("Coffee");
    expect(csvCell('say "hi", ok')).toBe('"say ""hi"", ok"');
  });
});

describeEachDialect("journal", (ctx) => {
  async function withTxns(amounts: number[]) {
    const { db } = ctx();
    const seeded = await seedCompany(db);
    await insertTransactions(db, seeded.tenantId, {
      companyId: seeded.companyId,
      rows: amounts.map((amountCents, i) => ({
        date: `2024-02-${String(i + 1).padStart(2, "0")}`,
        description: i % 2 ? "=cmd|' /C calc'!A0" : `STRIPE PAYOUT ${i}`,
        payee: "Payee",
        amountCents,
        fingerprint: `fp${i}`,
      })),
    });
    const txns = (await listTransactions(db, seeded.tenantId, { companyId: seeded.companyId })).transactions;
    return { ...seeded, db, txns };
  }

  it("books each transaction once even when booked again (a retried job)", async () => {
    const { db, tenantId, companyId, bank, byCode, txns } = await withTxns([-1250, 5000, -300]);
    const items = txns.map((t) => ({
      ...t,
      accountId: t.amountCents < 0 ? byCode("6200").id : byCode("4000").id,
    }));
    const first = await db
      .transaction()
      .execute((trx) => bookTransactions(trx, tenantId, { companyId, bankAccountId: bank.id, items }));
    const again = await db
      .transaction()
      .execute((trx) => bookTransactions(trx, tenantId, { companyId, bankAccountId: bank.id, items }));
    expect([first, again]).toEqual([3, 0]);
    const t = txns[0];
    if (!t) throw new Error("no txn");
    expect(
      await postEntry(db, tenantId, {
        companyId,
        transactionId: t.id,
        date: t.date,
        memo: "dup",
        lines: linesForTransaction(-1, byCode("6200").id, bank.id) ?? [],
      }),
    ).toBeNull();
    const { entries } = await listJournalEntries(db, tenantId, { companyId });
    expect(entries).toHaveLength(3);
    const tb = await trialBalance(db, tenantId, companyId);
    expect(tb.balanced).toBe(true);
    expect(tb.rows.find((r) => r.code === "1000")?.balanceCents).toBe(5000 - 1250 - 300);
    expect(tb.rows.find((r) => r.code === "6200")?.balanceCents).toBe(1550);
  });

  it("the database refuses a second live entry for a transaction and a two-sided line", async () => {
    const { db, tenantId, companyId, txns } = await withTxns([-100]);
    const insertEntry = (id: string) =>
      db
        .insertInto("journal_entries")
        .values({
          id,
          tenant_id: tenantId,
          company_id: companyId,
          transaction_id: txns[0]?.id ?? null,
          date: "2024-02-01",
          memo: "raw",
          reverses_entry_id: null,
          reversed_by_entry_id: null,
          reversed_at: null,
          created_at: 0,
        })
        .execute();
    await insertEntry("je_a");
    await expect(insertEntry("je_b")).rejects.toThrow(/unique|UNIQUE/);
    await expect(
      sql`insert into journal_lines (id, tenant_id, entry_id, line_no, account_id, debit_cents, credit_cents)
          select 'jl_x', ${tenantId}, 'je_a', 1, id, 5, 5 from accounts limit 1`.execute(db),
    ).rejects.toThrow(/check|CHECK/);
  });

  it("re-categorizing reverses the live entry, posts a new one and teaches the history model", async () => {
    const { db, tenantId, companyId, bank, byCode, txns } = await withTxns([-4200]);
    const t = txns[0];
    if (!t) throw new Error("no txn");
    await bookTransactions(db, tenantId, {
      companyId,
      bankAccountId: bank.id,
      items: [{ ...t, accountId: byCode("6200").id }],
    });
    const history = createHistoryModel();
    const result = await recategorizeTransaction(db, tenantId, t.id, byCode("6600").id, { history });
    expect(result?.transaction).toMatchObject({
      status: "categorized",
      source: "manual",
      accountId: byCode("6600").id,
      confidence: 1,
    });
    expect(result?.reversal?.lines).toEqual([
      { accountId: byCode("6200").id, debitCents: 0, creditCents: 4200 },
      { accountId: bank.id, debitCents: 4200, creditCents: 0 },
    ]);
    expect(history.size).toBe(1);
    const { entries } = await listJournalEntries(db, tenantId, { companyId, transactionId: t.id });
    expect(entries).toHaveLength(3);
    expect(entries.filter((e) => e.reversedAt === null && e.reversesEntryId === null)).toHaveLength(1);
    const tb = await trialBalance(db, tenantId, companyId);
    expect(tb.rows.find((r) => r.code === "6200")?.balanceCents).toBe(0);
    expect(tb.rows.find((r) => r.code === "6600")?.balanceCents).toBe(4200);
    expect(tb.balanced).toBe(true);
    const other = await seedCompany(db, "Other");
    expect(await recategorizeTransaction(db, other.tenantId, t.id, other.byCode("6600").id)).toBeNull();
    await expect(recategorizeTransaction(db, tenantId, t.id, bank.id)).rejects.toMatchObject({
      code: "invalid",
    });
  });

  it("an entry is reversed once; a reversal cannot be reversed", async () => {
    const { db, tenantId, companyId, bank, byCode, txns } = await withTxns([-100]);
    const t = txns[0];
    if (!t) throw new Error("no txn");
    const entry = await postEntry(db, tenantId, {
      companyId,
      transactionId: t.id,
      date: t.date,
      memo: "m",
      lines: linesForTransaction(-100, byCode("6100").id, bank.id) ?? [],
    });
    const reversal = await reverseEntry(db, tenantId, entry?.id ?? "");
    await expect(reverseEntry(db, tenantId, entry?.id ?? "")).rejects.toMatchObject({ code: "conflict" });
    await expect(reverseEntry(db, tenantId, reversal.id)).rejects.toMatchObject({ code: "conflict" });
    await expect(reverseEntry(db, "ten_other", entry?.id ?? "")).rejects.toMatchObject({ code: "not_found" });
  });

  it("exports the journal as CSV with formulas neutralised and as beancount text", async () => {
    const { db, tenantId, companyId, bank, byCode, txns } = await withTxns([-1250, 5000]);
    await bookTransactions(db, tenantId, {
      companyId,
      bankAccountId: bank.id,
      items: txns.map((t) => ({
        ...t,
        accountId: t.amountCents < 0 ? byCode("6200").id : byCode("4000").id,
      })),
    });
    const csv = await exportJournalCsv(db, tenantId, companyId);
    const lines = csv.trimEnd().split("\r\n");
    expect(lines[0]).toBe(
      "date,entry_id,memo,account_code,account_name,debit,credit,transaction_id,reverses_entry_id",
    );
    expect(lines).toHaveLength(5);
    expect(csv).toContain(",'=cmd|' /C calc'!A0,");
    expect(csv).toMatch(/,6200,Meals & Entertainment,12\.50,,/);
    const stranger = await seedCompany(db, "Stranger");
    expect((await exportJournalCsv(db, stranger.tenantId, companyId)).trimEnd().split("\r\n")).toHaveLength(
      1,
    );
    expect((await trialBalance(db, stranger.tenantId, companyId)).rows).toEqual([]);
    expect((await listJournalEntries(db, stranger.tenantId, { companyId })).entries).toEqual([]);
    const bean = await exportJournalBeancount(db, tenantId, companyId, { title: "Acme" });
    expect(bean).toContain("2024-02-01 open Expenses:Meals-Entertainment USD");
    expect(bean).toMatch(
      /2024-02-01 \* "Payee" "STRIPE PAYOUT 0"\n {2}entry_id: "je_[^"]+"\n {2}Expenses:Meals-Entertainment {2}12\.50 USD\n {2}Assets:Business-Checking {2}-12\.50 USD/,
    );
  });
});
