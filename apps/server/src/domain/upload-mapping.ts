import { z } from "@hono/zod-openapi";
import {
  type BooksDb,
  type ColumnMapping,
  type ColumnMappingInput,
  type CsvInspection,
  recallMapping,
  rememberMapping,
} from "@ledgerflow/books";
import { ApiError, badRequest } from "../errors.js";
import type { ImportPreviewSchema } from "../schemas/job-commands.js";
import { inspectUploadedCsv } from "./csv-check.js";

const Ref = z.union([z.number().int().min(0), z.string().min(1)]);
/** A mapping as the mapping step (or `--map`) sends it: column indexes (or header names) by role. */
export const MappingInputSchema = z
  .object({
    date: Ref,
    description: z.union([Ref, z.array(Ref)]).optional(),
    payee: Ref.optional(),
    amount: Ref.optional(),
    debit: Ref.optional(),
    credit: Ref.optional(),
    category: Ref.optional(),
    marker: Ref.optional(),
    balance: Ref.optional(),
  })
  .strict()
  .refine((m) => m.amount !== undefined || m.debit !== undefined || m.credit !== undefined, {
    message: "choose the amount column, or the money-out and money-in columns",
  });

/** What the upload answers instead of a job when a person should confirm the columns first. */
export type ImportPreview = z.infer<typeof ImportPreviewSchema>;
export type PreviewMapping = ImportPreview["mapping"];

export type UploadDecision =
  | { kind: "import"; options: { mapping: ColumnMappingInput } | null; remembered: boolean }
  | { kind: "ask"; preview: ImportPreview };

/** Parses the form's `mapping` field (JSON); a bad one is a 400 naming the field. */
export function parseMappingField(text: string): ColumnMappingInput {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw badRequest("mapping", 'send the mapping as JSON, e.g. {"date":0,"amount":3,"description":2}');
  }
  const parsed = MappingInputSchema.safeParse(json);
  if (!parsed.success) throw badRequest("mapping", parsed.error.issues[0]?.message ?? "invalid mapping");
  return parsed.data as ColumnMappingInput;
}

/**
 * Decides how an upload is read: with the mapping the person just chose (remembered for this
 * company and file shape), with the one remembered for files of this shape, with what the
 * importer recognised when it is sure, or not yet — then the answer is a preview to confirm.
 */
export async function decideUploadMapping(
  db: BooksDb,
  tenantId: string,
  companyId: string,
  file: { content: Uint8Array; filename: string },
  chosen: ColumnMappingInput | null,
): Promise<UploadDecision> {
  if (chosen) {
    const inspection = await inspectUploadedCsv(file.content, file.filename, chosen);
    requireColumnsInFile(chosen, inspection, file.filename);
    await rememberMapping(db, tenantId, companyId, inspection.fingerprint, chosen);
    return { kind: "import", options: { mapping: chosen }, remembered: false };
  }
  const inspection = await inspectUploadedCsv(file.content, file.filename);
  const remembered = await recallMapping(db, tenantId, companyId, inspection.fingerprint);
  if (remembered) {
    // A remembered mapping that no longer fits the file (the bank changed its export) is ignored.
    const fits = await inspectUploadedCsv(file.content, file.filename, remembered).then(
      () => true,
      () => false,
    );
    if (fits) return { kind: "import", options: { mapping: remembered }, remembered: true };
  }
  if (inspection.inference?.needsMapping)
    return { kind: "ask", preview: toPreview(inspection, file.filename) };
  return { kind: "import", options: null, remembered: false };
}

/** A headerless file accepts any index; one past its last column would read every amount as empty. */
function requireColumnsInFile(
  mapping: ColumnMappingInput,
  inspection: CsvInspection,
  filename: string,
): void {
  const width = Math.max(inspection.headers.length, ...inspection.sampleRecords.map((r) => r.cells.length));
  for (const [role, ref] of Object.entries(mapping)) {
    for (const index of [ref].flat()) {
      if (typeof index === "number" && index >= width) {
        throw new ApiError(
          400,
          "invalid_mapping",
          `${filename}: the mapping puts the ${role} in column index ${index}, but the file has ${width} columns; use a 0-based index below ${width}.`,
        );
      }
    }
  }
}

const toPreviewMapping = (m: ColumnMapping): PreviewMapping => ({
  date: m.date,
  description: m.description[0] ?? null,
  payee: m.payee,
  amount: m.amount,
  debit: m.debit,
  credit: m.credit,
  marker: m.marker,
  balance: m.balance,
});

export function toPreview(inspection: CsvInspection, filename: string): ImportPreview {
  const rows = inspection.sampleRecords;
  const width = Math.max(inspection.headers.length, ...rows.map((r) => r.cells.length));
  const name = (i: number) => inspection.headers[i]?.trim() || `Column ${i + 1}`;
  const inference = inspection.inference;
  return {
    status: "needs_mapping",
    filename,
    fingerprint: inspection.fingerprint,
    confidence: inference?.confidence ?? 0,
    reasons: inference?.reasons ?? [],
    label: inference?.label ?? "",
    headers: inspection.headers,
    columns: Array.from({ length: width }, (_, index) => ({
      index,
      name: name(index),
      samples: rows
        .map((r) => r.cells[index] ?? "")
        .filter((c) => c !== "")
        .slice(0, 3),
    })),
    rows,
    mapping: toPreviewMapping(inspection.mapping),
    alternatives: (inference?.alternatives ?? []).map((a) => ({
      label: a.label,
      mapping: toPreviewMapping(a.mapping),
    })),
  };
}
