// The categorizers' public surface; packages/books/src/index.ts re-exports it.
export {
  type CategorizeBatchCounts,
  type CategorizeBatchInput,
  type CategorizeBatchResult,
  categorizeBatch,
} from "./batch.js";
export {
  createHistoryModel,
  type HistoryExample,
  type HistoryModel,
  type HistoryModelJSON,
  historyModelFromJSON,
} from "./history/model.js";
export {
  type CachedAnswer,
  createLruCache,
  type LlmAnswerCache,
  type MemoryAnswerCache,
} from "./llm/cache.js";
export {
  createLlmCategorizer,
  type LlmCategorizeRequest,
  type LlmCategorizeResult,
  type LlmCategorizer,
} from "./llm/categorizer.js";
export { type LlmConfig, llmConfigFromEnv } from "./llm/config.js";
export { createLocalLlmCategorizer, type LocalLlmConfig, localLlmConfigFromEnv } from "./llm/local.js";
export { LlmRateLimitedError } from "./llm/rate-limited.js";
export { payeeKey } from "./payee-key.js";
export {
  loadBuiltInPrior,
  type PriorCategorizer,
  type PriorModel,
  type PriorPrediction,
} from "./prior/model.js";
export { evaluateRules, ruleMatches, sortRules } from "./rules/evaluate.js";
export {
  type AmountCondition,
  type Condition,
  conditionSchema,
  type DirectionCondition,
  type Rule,
  ruleSchema,
  type TextCondition,
} from "./rules/schema.js";
export {
  type Account,
  type AccountType,
  type Categorization,
  type CategorizationSource,
  HIGH_CONFIDENCE,
  isHighConfidence,
  type TxnForCategorize,
} from "./types.js";
