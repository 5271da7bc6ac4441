import { describe, expect, it } from "vitest";
import { detectMapping } from "../src/csv/columns.js";

describe("header recognition across banks and languages", () => {
  const table: Array<[string, string[], Record<string, unknown>]> = [
    [
      "Spanish",
      ["Fecha", "Fecha valor", "Concepto", "Importe", "Saldo"],
      { date: 0, description: [2], amount: 3 },
    ],
    [
      "French debit/credit",
      ["Date", "Libellé", "Débit", "Crédit"],
      { date: 0, description: [1], amount: null, debit: 2, credit: 3 },
    ],
    [
      "German with payee",
      ["Buchungstag", "Wertstellung", "Beguenstigter/Zahlungspflichtiger", "Verwendungszweck", "Betrag"],
      { date: 0, payee: 2, description: [3], amount: 4 },
    ],
    ["Dutch", ["Datum", "Naam / Omschrijving", "Af Bij", "Bedrag (EUR)"], { date: 0, amount: 3, marker: 2 }],
    [
      "Italian",
      ["Data operazione", "Data valuta", "Descrizione", "Uscite", "Entrate"],
      { date: 0, description: [2], debit: 3, credit: 4 },
    ],
    [
      "English card with category",
      ["Transaction Date", "Posted Date", "Card No.", "Description", "Category", "Debit", "Credit"],
      { date: 0, description: [3], category: 4, debit: 5, credit: 6 },
    ],
    [
      "Chase checking (Details holds DEBIT/CREDIT)",
      ["Details", "Posting Date", "Description", "Amount", "Type", "Balance", "Check or Slip #"],
      { date: 1, description: [2], amount: 3 },
    ],
    [
      "Chase card",
      ["Transaction Date", "Post Date", "Description", "Category", "Type", "Amount", "Memo"],
      { date: 0, description: [2], category: 3, amount: 5, marker: 4 },
    ],
    [
      "Revolut",
      [
        "Type",
        "Product",
        "Started Date",
        "Completed Date",
        "Description",
        "Amount",
        "Fee",
        "Currency",
        "State",
        "Balance",
      ],
      { date: 2, description: [4], amount: 5 },
    ],
    [
      "Monarch",
      ["Date", "Merchant", "Category", "Account", "Original Statement", "Notes", "Amount", "Tags"],
      { date: 0, payee: 1, category: 2, amount: 6 },
    ],
    [
      "Actual Budget",
      ["Account", "Date", "Payee", "Notes", "Category", "Amount", "Split_Amount", "Cleared"],
      { date: 1, payee: 2, description: [3], category: 4, amount: 5 },
    ],
  ];
  it.each(table)("%s", (_name, headers, expected) => {
    expect(detectMapping(headers)).toMatchObject(expected);
  });

  it("does not take preamble or contact lists for a header", () => {
    expect(detectMapping(["Account details for:", "FRANK Account 666-666666-666"])).toBeNull();
    expect(detectMapping(["name", "email", "phone"])).toBeNull();
    expect(detectMapping(["Date", "Description"])).toBeNull();
  });
});
