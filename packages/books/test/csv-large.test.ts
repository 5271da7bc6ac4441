import { describe, expect, it } from "vitest";
import { fingerprintRows, isRowError, parseBankCsv, parseBankCsvStream } from "../src/csv/index.js";

const ROWS = 100_000;
const MB = 1024 * 1024;

/** A realistic export generated on the fly, so the test itself never holds the whole file. */
async function* generatedExport(rows: number): AsyncIterable<Uint8Array> {
  const encoder = new TextEncoder();
  yield encoder.encode(
    "Acme Bank export\nAccount;DE00 1234 5678\n\nBuchungstag;Verwendungszweck;Empfänger;Betrag\n",
  );
  let batch: string[] = [];
  for (let i = 0; i < rows; i++) {
    const day = String((i % 28) + 1).padStart(2, "0");
    const month = String((Math.floor(i / 28) % 12) + 1).padStart(2, "0");
    const cents = ((i * 7919) % 500_000) - 250_000;
    const amount = `${cents < 0 ? "-" : ""}${Math.floor(Math.abs(cents) / 100).toLocaleString("de-DE")},${String(Math.abs(cents) % 100).padStart(2, "0")}`;
    batch.push(
      `${day}.${month}.2024;"Kartenzahlung Filiale ${i % 977}; Ref ${i}";Händler ${i % 313};${amount}`,
    );
    if (batch.length === 1000) {
      yield encoder.encode(`${batch.join("\n")}\n`);
      batch = [];
    }
  }
  if (batch.length > 0) yield encoder.encode(batch.join("\n"));
}

function rssSampler() {
  const start = process.memoryUsage().rss;
  let peak = start;
  return {
    sample: () => {
      peak = Math.max(peak, process.memoryUsage().rss);
    },
    report: () => ({
      startMb: Math.round(start / MB),
      peakMb: Math.round(peak / MB),
      growthMb: Math.round((peak - start) / MB),
    }),
  };
}

describe(`a ${ROWS.toLocaleString("en-US")}-row export`, () => {
  it("streams with flat memory: peak RSS stays under 300 MB", async () => {
    const rss = rssSampler();
    let rows = 0;
    let errors = 0;
    const started = performance.now();
    for await (const item of parseBankCsvStream(generatedExport(ROWS))) {
      if (isRowError(item)) errors++;
      else rows++;
      if (rows % 1000 === 0) rss.sample();
    }
    const figures = { ...rss.report(), seconds: Math.round(performance.now() - started) / 1000 };
    console.info("csv-large streaming", figures);
    expect(errors).toBe(0);
    expect(rows).toBe(ROWS);
    expect(figures.peakMb).toBeLessThan(300);
  });

  it("imports whole with parseBankCsv and fingerprints every row under the same bound", async () => {
    const rss = rssSampler();
    const chunks: Uint8Array[] = [];
    for await (const chunk of generatedExport(ROWS)) chunks.push(chunk);
    const file = new Uint8Array(Buffer.concat(chunks));
    chunks.length = 0;
    rss.sample();
    const result = await parseBankCsv(file);
    rss.sample();
    const prints = fingerprintRows(result.rows);
    rss.sample();
    console.info("csv-large whole", { ...rss.report(), fileMb: Math.round((file.length / MB) * 10) / 10 });
    expect(result.rows).toHaveLength(ROWS);
    expect(new Set(prints).size).toBe(ROWS);
    expect(result.rows[0]).toMatchObject({ line: 5, date: "2024-01-01", payee: "Händler 0" });
    expect(rss.report().peakMb).toBeLessThan(300);
  });
});
