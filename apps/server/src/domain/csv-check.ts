import { CsvFormatError, inspectCsv } from "@ledgerflow/books";
import { ApiError } from "../errors.js";

/**
 * Refuses an upload that is not a bank CSV before a job is created for it: the importer detects
 * the format and reads the first rows (books' inspectCsv), and its one-sentence reason (what was
 * found, what to do) becomes the 400's message, prefixed with the file's name.
 */
export async function checkUploadedCsv(content: Uint8Array, filename: string): Promise<void> {
  try {
    await inspectCsv(content);
  } catch (error) {
    if (!(error instanceof CsvFormatError)) throw error;
    const tooLarge = error.code === "too-large" || error.code === "too-many-rows";
    throw new ApiError(
      tooLarge ? 413 : 400,
      tooLarge ? "payload_too_large" : "invalid_csv",
      `${filename || "The file"}: ${error.message}`,
    );
  }
}
