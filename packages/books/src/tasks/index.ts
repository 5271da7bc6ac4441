import type { LlmCategorizer } from "../categorize/llm/categorizer.js";
import type { BooksDb } from "../db/open.js";
import { categorizeTransactionsTask } from "./categorize-transactions.js";
import { type BookTaskLimits, DEFAULT_BOOK_TASK_LIMITS } from "./limits.js";
import { uploadAndCategorizeTask } from "./upload-and-categorize.js";
import { uploadChunkTask } from "./upload-chunk.js";

export interface BookTasksOptions {
  db: BooksDb;
  /**
   * The LLM categorizer (createLlmCategorizer(llmConfigFromEnv())). Omitted or disabled: rules and
   * history only, and results say `llm: "disabled"`.
   */
  llm?: LlmCategorizer | null;
  /** Transactions per categorize-and-commit chunk. Default 100. */
  chunkSize?: number;
  /**
   * A file with more valid rows than this runs as a flow: one `upload_chunk` child job per this many
   * rows, in parallel across workers (docs/books/csv-import.md). Default 2,500.
   */
  uploadChunkRows?: number;
  /**
   * Jobs of each task per company at once (default 1) and job starts per LLM provider per window
   * (default 30 a minute; null for none; only declared when the LLM is on). See tasks/limits.ts.
   */
  limits?: Partial<BookTaskLimits>;
}

export const DEFAULT_UPLOAD_CHUNK_ROWS = 2500;

/** The book tasks, bound to one database; register both with `createQueue({ tasks })`. */
export function createBookTasks(options: BookTasksOptions) {
  const deps = {
    db: options.db,
    llm: options.llm ?? null,
    chunkSize: options.chunkSize ?? 100,
    uploadChunkRows: options.uploadChunkRows ?? DEFAULT_UPLOAD_CHUNK_ROWS,
    limits: { ...DEFAULT_BOOK_TASK_LIMITS, ...options.limits },
  };
  const categorizeTransactions = categorizeTransactionsTask(deps);
  const uploadChunk = uploadChunkTask(deps);
  const uploadAndCategorize = uploadAndCategorizeTask(deps, uploadChunk);
  return {
    categorizeTransactions,
    uploadAndCategorize,
    uploadChunk,
    all: [categorizeTransactions, uploadAndCategorize, uploadChunk] as const,
  };
}
