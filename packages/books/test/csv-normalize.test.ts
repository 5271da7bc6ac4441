import { describe, expect, it } from "vitest";
import { normalizeDescription, normalizePayee } from "../src/csv/normalize.js";

describe("normalizePayee strips what is not the merchant's name", () => {
  const table: Array<[string, string]> = [
    ["SQ *BLUE BOTTLE #0412 03/14", "blue bottle"],
    ["SQ *BLUE BOTTLE #0977", "blue bottle"],
    ["POS SQ *CAFE ROMA 12/03", "cafe roma"],
    ["TST* JOE'S PIZZA 0042", "joe s pizza"],
    ["PAYPAL *NETFLIX", "netflix"],
    ["DELIVEROO.CO.UK        LONDON        LND", "deliveroo.co.uk"],
    ["NOWTV.COM/BILLINGHELP    SKY          GBR", "nowtv.com"],
    ["ROYAL LONDON INSURANCE        01222 61234  GBR", "royal london insurance"],
    ["SAINSBURYS SACAT 0602  LADBROKE GROV GBR", "sainsburys sacat"],
    ["66-6666 MCDONALD'S (BSJ8)        S 14/04/18", "mcdonald s"],
    ["Kartenzahlung REWE SAGT DANKE. 41400673//Hamburg 2018-03-01T11:33:59 KFN 1 VJ 1812", "rewe sagt danke"],
    ["VISA DEBIT CARD XXXX1234 STARBUCKS STORE 5521", "starbucks"],
    ["PURCHASE AUTHORIZED ON 01/02 AMAZON.COM CARD 4455", "amazon.com"],
    ["Spotify UK             London        GBR", "spotify uk"],
    ["12345 01/02/2020", ""],
  ];
  it.each(table)("%j → %j", (raw, expected) => {
    expect(normalizePayee(raw)).toBe(expected);
  });

  it("is idempotent: normalising a normalised payee changes nothing", () => {
    for (const [raw] of table) {
      const once = normalizePayee(raw);
      expect(normalizePayee(once)).toBe(once);
    }
  });
});

describe("normalizeDescription folds only case and spacing", () => {
  it("keeps digits and punctuation so different descriptions stay different", () => {
    expect(normalizeDescription("  Coffee   #12 ")).toBe("coffee #12");
    expect(normalizeDescription("Coffee #13")).not.toBe(normalizeDescription("Coffee #12"));
    expect(normalizeDescription("CAFÉ\tLatte")).toBe("café latte");
  });
});
