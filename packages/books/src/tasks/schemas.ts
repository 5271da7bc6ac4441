import { z } from "zod";
import type { ImportReportOut } from "./import-report.js";

export const categorizeTransactionsInput = z.object({
  company_id: z.string().min(1),
  /** How many uncategorized transactions one job takes on, oldest first. */
  limit: z.number().int().min(1).max(50_000).default(1000),
});
export type CategorizeTransactionsInput = z.infer<typeof categorizeTransactionsInput>;

export const uploadAndCategorizeInput = z.object({
  /** An import created with createImport: the file itself is read from the database. */
  import_id: z.string().min(1),
  /** The import's company: the job's concurrency key (one company's uploads run one at a time). */
  company_id: z.string().min(1).optional(),
});
export type UploadAndCategorizeInput = z.infer<typeof uploadAndCategorizeInput>;

/** One slice of a large upload (`upload_chunk`, a child of upload_and_categorize): its rows, parsed. */
export const uploadChunkInput = z.object({
  import_id: z.string().min(1),
  company_id: z.string().min(1),
  rows: z
    .array(
      z.object({
        date: z.string(),
        description: z.string(),
        payee: z.string().nullable(),
        amount_cents: z.number().int(),
        fingerprint: z.string().min(1),
        account_id: z.string().nullable(),
      }),
    )
    .min(1)
    .max(10_000),
});
export type UploadChunkInput = z.infer<typeof uploadChunkInput>;

/** Whether the LLM categorizer took part: "disabled" when unconfigured, "error" when it failed. */
export type LlmStatus = "ok" | "disabled" | "error";

// Type aliases (not interfaces) so results are assignable to the engine's Json type.
export type CategorizeTransactionsResult = {
  journal_entries_created: number;
  high_confidence: number;
  needs_review: number;
  uncategorized: number;
  llm: LlmStatus;
};

export type UploadChunkResult = {
  rows: number;
  /** The chunk's rows still uncategorized when it categorized them (fewer after a retry). */
  pending: number;
  llm: LlmStatus;
};

export type ImportErrorOut = {
  line: number;
  column: string | null;
  message: string;
};

export type UploadAndCategorizeResult = ImportReportOut & {
  parsed: number;
  inserted: number;
  duplicates: number;
  invalid: number;
  categorized: number;
  je_created: number;
  high_confidence: number;
  needs_review: number;
  /** Which stage categorized this import's rows (counted from the database, so retries add nothing). */
  by_rule: number;
  by_prior: number;
  by_history: number;
  by_llm: number;
  /** The first 100 problems, each with its line number in the file. */
  errors: ImportErrorOut[];
  llm: LlmStatus;
};

export const MAX_REPORTED_ERRORS = 100;
