import type { LlmCategorizer } from "../categorize/llm/categorizer.js";
import type { BooksDb } from "../db/open.js";
import { categorizeTransactionsTask } from "./categorize-transactions.js";
import { type BookTaskLimits, DEFAULT_BOOK_TASK_LIMITS } from "./limits.js";
import { uploadAndCategorizeTask } from "./upload-and-categorize.js";

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
   * Jobs of each task per company at once (default 1) and job starts per LLM provider per window
   * (default 30 a minute; null for none; only declared when the LLM is on). See tasks/limits.ts.
   */
  limits?: Partial<BookTaskLimits>;
}

/** The two book tasks, bound to one database; register both with `createQueue({ tasks })`. */
export function createBookTasks(options: BookTasksOptions) {
  const deps = {
    db: options.db,
    llm: options.llm ?? null,
    chunkSize: options.chunkSize ?? 100,
    limits: { ...DEFAULT_BOOK_TASK_LIMITS, ...options.limits },
  };
  const categorizeTransactions = categorizeTransactionsTask(deps);
  const uploadAndCategorize = uploadAndCategorizeTask(deps);
  return {
    categorizeTransactions,
    uploadAndCategorize,
    all: [categorizeTransactions, uploadAndCategorize] as const,
  };
}
