import { createHash } from "node:crypto";
import { normalizeDescription } from "./normalize.js";

/** What identifies a transaction; a `ParsedRow` or a stored transaction both fit. */
export interface FingerprintInput {
  date: string;
  amountCents: number;
  description: string;
}

/**
 * One fingerprint per row, in order: a hash of (date, amount, normalised description,
 * occurrence of that triple so far in the file). Re-importing the same file gives the
 * same fingerprints, so the database's unique index skips them; two identical coffees on
 * one day get occurrences 1 and 2 and are both kept.
 */
export function fingerprintRows(rows: ReadonlyArray<FingerprintInput>): string[] {
  const seen = new Map<string, number>();
  return rows.map((row) => {
    const triple = `${row.date}|${row.amountCents}|${normalizeDescription(row.description)}`;
    const occurrence = (seen.get(triple) ?? 0) + 1;
    seen.set(triple, occurrence);
    // 128 bits of SHA-256: collisions are out of reach and the column stays short.
    return createHash("sha256").update(`${triple}|${occurrence}`).digest("hex").slice(0, 32);
  });
}
