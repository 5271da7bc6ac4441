import { createHash } from "node:crypto";
import { normalizeHeader } from "./columns.js";

/**
 * The shape of an export, to remember a confirmed mapping by: the header's column names
 * (normalised: case, accents and punctuation do not matter), or for a file without a header its
 * delimiter and width. The same with or without a mapping, so what is remembered is found again. Two exports from the same bank account share it; the
 * statement period, the rows and the bank's preamble do not enter it.
 */
export function shapeFingerprint(headers: string[], delimiter: string, width: number): string {
  const shape =
    headers.length > 0
      ? `header|${headers.map(normalizeHeader).join("|")}`
      : `no-header|${delimiter}|${width}`;
  return createHash("sha256").update(shape).digest("hex").slice(0, 24);
}
