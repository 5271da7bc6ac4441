import {
  type BooksDb,
  createBookTasks,
  createDbAnswerCache,
  createLlmCategorizer,
  llmConfigFromEnv,
} from "@ledgerflow/books";
import type { AnyTask } from "@ledgerflow/jobs";
import type { Config } from "../config.js";

/**
 * The seed's two tasks (categorize_transactions, upload_and_categorize) bound to this process's
 * database, with the LLM categorizer when LLM_* is configured (answers cached in the database); off
 * otherwise, and the jobs' results say `llm: "disabled"`.
 */
export function loadBookTasks(db: BooksDb, config: Config): AnyTask[] {
  const llmConfig = llmConfigFromEnv({
    LLM_BASE_URL: config.llm.baseUrl,
    LLM_API_KEY: config.llm.apiKey,
    LLM_MODEL: config.llm.model,
  });
  const llm = llmConfig ? createLlmCategorizer({ ...llmConfig, cache: createDbAnswerCache(db) }) : null;
  return [...createBookTasks({ db, llm }).all];
}
