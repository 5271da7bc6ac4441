// @ledgerflow/books — the bookkeeping domain. Curated exports: what the server, CLI and web use.

export {
  type Account as CategorizerAccount,
  type AmountCondition,
  type CachedAnswer,
  type Categorization,
  type CategorizationSource,
  type CategorizeBatchCounts,
  type CategorizeBatchInput,
  type CategorizeBatchResult,
  type Condition,
  categorizeBatch,
  conditionSchema,
  createHistoryModel,
  createLlmCategorizer,
  createLocalLlmCategorizer,
  createLruCache,
  type DirectionCondition,
  evaluateRules,
  HIGH_CONFIDENCE,
  type HistoryExample,
  type HistoryModel,
  type HistoryModelJSON,
  historyModelFromJSON,
  isHighConfidence,
  type LlmAnswerCache,
  type LlmCategorizeRequest,
  type LlmCategorizeResult,
  type LlmCategorizer,
  type LlmConfig,
  type LocalLlmConfig,
  llmConfigFromEnv,
  loadBuiltInPrior,
  localLlmConfigFromEnv,
  type MemoryAnswerCache,
  type PriorCategorizer,
  type PriorModel,
  type PriorPrediction,
  payeeKey,
  type Rule,
  ruleMatches,
  ruleSchema,
  sortRules,
  type TextCondition,
  type TxnForCategorize,
} from "./categorize/index.js";
export {
  ASK_BELOW,
  type BalanceSummary,
  type ColumnMapping,
  type ColumnMappingInput,
  type ColumnRef,
  type CsvFileInfo,
  CsvFormatError,
  type CsvFormatErrorCode,
  type CsvInspection,
  type CsvSource,
  type CsvStream,
  type DateOrder,
  DEFAULT_MAX_BYTES,
  DEFAULT_MAX_ROWS,
  type EncodingName,
  type FingerprintInput,
  fingerprintRows,
  type InferenceInfo,
  inspectCsv,
  isRowError,
  type MappingAlternative,
  normalizeDescription,
  normalizePayee,
  type ParseCsvOptions,
  type ParseCsvResult,
  type ParsedRow,
  parseBankCsv,
  parseBankCsvStream,
  type RowError,
  type SignConvention,
  type SkippedLine,
} from "./csv/index.js";
export { type Account, createAccount, getAccount, getBankAccount, listAccounts } from "./db/accounts.js";
export { createDbAnswerCache } from "./db/answer-cache.js";
export { type Company, createCompany, getCompany, listCompanies } from "./db/companies.js";
export { type ChartAccount, DEFAULT_CHART } from "./db/default-chart.js";
export { BooksError, type BooksErrorCode } from "./db/errors.js";
export { recallMapping, rememberMapping } from "./db/import-mappings.js";
export {
  createImport,
  getImport,
  type ImportInfo,
  type ImportWithContent,
  setImportStatus,
} from "./db/imports.js";
export { MIGRATION_TABLE, migrateToLatest } from "./db/migrate.js";
export {
  type BooksDb,
  type BooksDialect,
  dialectOf,
  isPostgresUrl,
  type OpenBooksDbOptions,
  openBooksDb,
} from "./db/open.js";
export {
  createRule,
  deleteRule,
  getRule,
  listRules,
  type RuleInput,
  reorderRules,
  type StoredRule,
  updateRule,
} from "./db/rules.js";
export {
  ACCOUNT_TYPES,
  type AccountType,
  CATEGORY_SOURCES,
  type CategorySource,
  type Database,
  IMPORT_STATUSES,
  type ImportStatus,
  TRANSACTION_STATUSES,
  type TransactionStatus,
} from "./db/schema.js";
export { createTenant, getTenant } from "./db/tenants.js";
export { type ApiToken, createApiToken, hashToken, TOKEN_PREFIX, verifyApiToken } from "./db/tokens.js";
export {
  countTransactionsByStatus,
  getTransaction,
  insertTransactions,
  listTransactions,
  type NewTransaction,
  type Transaction,
  type TransactionFilter,
} from "./db/transactions.js";
export { DEMO_COMPANY_NAME, DEMO_TENANT_ID, type DemoSeed, seedDemo } from "./demo/seed.js";
export { assertBalanced, type JournalLineInput, linesForTransaction } from "./journal/balance.js";
export {
  getJournalEntry,
  type JournalEntry,
  type JournalFilter,
  type JournalLine,
  listJournalEntries,
} from "./journal/entries.js";
export { exportJournalBeancount, journalLinesToBeancount } from "./journal/export-beancount.js";
export { exportJournalCsv, journalLinesToCsv, neutraliseFormula } from "./journal/export-csv.js";
export { bookTransactions, type PostEntryInput, postEntry, type TransactionToBook } from "./journal/post.js";
export { type RecategorizeResult, recategorizeTransaction } from "./journal/recategorize.js";
export { reverseEntry } from "./journal/reverse.js";
export { type TrialBalance, type TrialBalanceRow, trialBalance } from "./journal/trial-balance.js";
export {
  type Cents,
  type DecimalSeparator,
  type FormatMoneyOptions,
  formatMoney,
  type MoneyParse,
  MoneyRangeError,
  type ParseMoneyOptions,
  parseMoney,
  sumCents,
  toCents,
} from "./money.js";
export { type BookTasksOptions, createBookTasks } from "./tasks/index.js";
export {
  type CategorizeTransactionsInput,
  type CategorizeTransactionsResult,
  categorizeTransactionsInput,
  type ImportErrorOut,
  type LlmStatus,
  type UploadAndCategorizeInput,
  type UploadAndCategorizeResult,
  uploadAndCategorizeInput,
} from "./tasks/schemas.js";
