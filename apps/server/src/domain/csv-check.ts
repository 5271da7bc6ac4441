import { ApiError } from "../errors.js";

/**
 * Refuses an upload that is plainly not a bank CSV before a job is created for it, with one sentence
 * saying what was found. Deliberately shallow (binary content, no text, no delimited header): the
 * import task parses the file properly and reports row-level problems with line numbers.
 */
export function checkUploadedCsv(content: Uint8Array, filename: string): void {
  const name = filename || "the file";
  if (content.byteLength === 0)
    throw invalid(`${name} is empty; export the statement from your bank as CSV.`);
  const head = content.subarray(0, 64 * 1024);
  if (head[0] === 0x50 && head[1] === 0x4b) {
    throw invalid(
      `${name} is a ZIP archive (an Excel workbook?); export the statement as CSV and upload that.`,
    );
  }
  if (head[0] === 0x25 && head[1] === 0x50 && head[2] === 0x44 && head[3] === 0x46) {
    throw invalid(`${name} is a PDF; export the statement from your bank as CSV instead.`);
  }
  const utf16 = (head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff);
  const text = utf16
    ? new TextDecoder(head[0] === 0xff ? "utf-16le" : "utf-16be").decode(head)
    : new TextDecoder("latin1").decode(head);
  if (!utf16 && head.includes(0)) throw invalid(`${name} is a binary file, not a CSV export.`);
  const lines = text.split(/\r\n|\r|\n/).filter((line) => line.trim() !== "");
  const delimited = lines.slice(0, 30).filter((line) => /[,;\t|]/.test(line));
  if (delimited.length < 2) {
    throw invalid(
      `${name} does not look like a CSV export: found ${lines.length} non-empty line(s) and no header row with columns separated by , ; or tab.`,
    );
  }
}

const invalid = (message: string) => new ApiError(400, "invalid_csv", message);
