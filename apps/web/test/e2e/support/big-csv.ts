import { writeFileSync } from "node:fs";
import path from "node:path";

const PAYEES = [
  "REWE Markt",
  "Shell Station",
  "Coffee Fellows",
  "Deutsche Bahn",
  "Amazon EU",
  "Apotheke",
  "Telekom",
];

/** A bank export of `rows` distinct rows, big enough that its import job is still running when the test acts. */
export function writeBigCsv(dir: string, rows: number): string {
  const lines = ["Date,Description,Amount"];
  for (let i = 0; i < rows; i++) {
    const day = String((i % 28) + 1).padStart(2, "0");
    const month = String((Math.floor(i / 28) % 12) + 1).padStart(2, "0");
    const payee = PAYEES[i % PAYEES.length];
    lines.push(
      `2025-${month}-${day},${payee} ref ${i},-${(i % 900) + 1}.${String(i % 100).padStart(2, "0")}`,
    );
  }
  const file = path.join(dir, `statement-${rows}.csv`);
  writeFileSync(file, `${lines.join("\n")}\n`);
  return file;
}
