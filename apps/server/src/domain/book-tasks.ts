import { type BooksDb, createBookTasks } from "@ledgerflow/books";
import type { AnyTask } from "@ledgerflow/jobs";
import type { Config } from "../config.js";

/** The two tasks of the seed, bound to this process's database and LLM settings. */
export function loadBookTasks(db: BooksDb, config: Config): AnyTask[] {
  const tasks = createBookTasks({ db, llm: config.llm });
  return Object.values(tasks) as AnyTask[];
}
