import { CsvFormatError } from "./errors.js";

// Magic numbers of the files people most often upload instead of a CSV export.
const SIGNATURES: Array<[number[], string]> = [
  [[0x50, 0x4b, 0x03, 0x04], "a ZIP archive (an Excel .xlsx workbook or a zipped export)"],
  [[0xd0, 0xcf, 0x11, 0xe0], "an old Excel .xls workbook"],
  [[0x25, 0x50, 0x44, 0x46], "a PDF document"],
  [[0x1f, 0x8b], "a gzip archive"],
  [[0x89, 0x50, 0x4e, 0x47], "a PNG image"],
  [[0xff, 0xd8, 0xff], "a JPEG image"],
];

const WHAT_TO_DO = "export the statement from your bank as CSV and upload that file";

/** Throws the one-sentence error for files that are not text at all. */
export function rejectNonText(head: Uint8Array): void {
  if (head.length === 0) throw new CsvFormatError("empty", `The file is empty; ${WHAT_TO_DO}.`);
  for (const [magic, what] of SIGNATURES) {
    if (magic.every((byte, i) => head[i] === byte)) {
      throw new CsvFormatError("binary", `The file is ${what}, not a CSV file; ${WHAT_TO_DO}.`);
    }
  }
}

/** After decoding: control characters other than tab, CR, LF and form feed mean binary data. */
export function rejectBinaryText(text: string): void {
  if (text.trim() === "") {
    throw new CsvFormatError("empty", `The file contains only blank lines; ${WHAT_TO_DO}.`);
  }
  let control = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if ((code < 0x20 && code !== 9 && code !== 10 && code !== 13 && code !== 12) || code === 0xfffd)
      control++;
  }
  // 1 %: a stray control character in a description is tolerable, a binary blob is not.
  if (control > 0 && control >= text.length * 0.01) {
    throw new CsvFormatError(
      "binary",
      `The file contains binary data (${control} control characters in its first ${text.length} characters), not CSV text; ${WHAT_TO_DO}.`,
    );
  }
}
