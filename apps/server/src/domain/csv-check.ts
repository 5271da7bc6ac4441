import { type ColumnMappingInput, CsvFormatError, type CsvInspection, inspectCsv } from "@ledgerflow/books";
import { ApiError } from "../errors.js";

/**
 * Reads an upload the way the import will (books' inspectCsv: format, table, columns, first
 * rows) before a job is created for it. A file that is not a bank CSV, or a mapping that does not
 * fit it, is refused with the importer's one-sentence reason (what was found, what to do) as the
 * 400's message, prefixed with the file's name.
 */
export async function inspectUploadedCsv(
  content: Uint8Array,
  filename: string,
  mapping?: ColumnMappingInput,
): Promise<CsvInspection> {
  try {
    return await inspectCsv(content, mapping ? { mapping, sampleSize: 10 } : { sampleSize: 10 });
  } catch (error) {
    if (!(error instanceof CsvFormatError)) throw error;
    const tooLarge = error.code === "too-large" || error.code === "too-many-rows";
    throw new ApiError(
      tooLarge ? 413 : 400,
      tooLarge ? "payload_too_large" : error.code === "bad-mapping" ? "invalid_mapping" : "invalid_csv",
      `${filename || "The file"}: ${error.message}`,
    );
  }
}

/** Refuses an upload that is not a bank CSV (see inspectUploadedCsv). */
export async function checkUploadedCsv(content: Uint8Array, filename: string): Promise<void> {
  await inspectUploadedCsv(content, filename);
}
