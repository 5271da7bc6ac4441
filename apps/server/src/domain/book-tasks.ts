import {
  type BooksDb,
  createBookTasks,
  createDbAnswerCache,
  createLlmCategorizer,
  createLocalLlmCategorizer,
  llmConfigFromEnv,
  localLlmConfigFromEnv,
} from "@ledgerflow/books";
import type { AnyTask } from "@ledgerflow/jobs";
import type { Config } from "../config.js";

/**
 * The seed's two tasks (categorize_transactions, upload_and_categorize) bound to this process's
 * database, with the LLM categorizer when LLM_* is configured (answers cached in the database); off
 * otherwise, and the jobs' results say `llm: "disabled"`. Their per-company concurrency and
 * per-provider rate limit come from COMPANY_JOB_CONCURRENCY and LLM_RATE_*: configure them (and LLM_*)
 * alike on every process, since the process that enqueues a job sets its keys.
 */
export function loadBookTasks(db: BooksDb, config: Config): AnyTask[] {
  const llmConfig = llmConfigFromEnv({
    LLM_BASE_URL: config.llm.baseUrl,
    LLM_API_KEY: config.llm.apiKey,
    LLM_MODEL: config.llm.model,
  });
  // A 429 is not waited out inside the job: it becomes a RetryAfterError that holds every job on the
  // provider, in every process (see docs/books/categorizers.md, "Limits").
  // LLM_PROVIDER=local runs a GGUF model in this process (LLM_MODEL_PATH); otherwise an endpoint.
  const local = localLlmConfigFromEnv(process.env);
  const llm = local
    ? createLocalLlmCategorizer(local)
    : llmConfig
      ? createLlmCategorizer({
          ...llmConfig,
          cache: createDbAnswerCache(db),
          concurrency: config.llmLimits.concurrency,
          surfaceRateLimits: true,
        })
      : null;
  return [
    ...createBookTasks({
      db,
      llm,
      limits: { companyConcurrency: config.companyJobConcurrency, llmRate: config.llmLimits.rate },
    }).all,
  ];
}
