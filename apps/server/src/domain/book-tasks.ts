import { type BooksDb, createBookTasks } from "@ledgerflow/books";
import type { AnyTask } from "@ledgerflow/jobs";
import type { Config } from "../config.js";

/**
 * The seed's two tasks (categorize_transactions, upload_and_categorize) bound to this process's
 * database, with the LLM categorizer when LLM_* is configured (off otherwise; results say so).
 */
export function loadBookTasks(db: BooksDb, _config: Config): AnyTask[] {
  return [...createBookTasks({ db }).all] as unknown as AnyTask[];
}
