import path from "node:path";
import { z } from "zod";
import { isTimeZone } from "./schemas/timezone.js";

const MB = 1024 * 1024;

const int = (min: number, max: number) =>
  z.coerce
    .number({ error: "must be a number" })
    .int({ error: `must be a whole number from ${min} to ${max}` })
    .min(min, { error: `must be a whole number from ${min} to ${max}` })
    .max(max, { error: `must be a whole number from ${min} to ${max}` });

const optionalText = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === "" ? undefined : value.trim()));

/** Every setting the server reads from the environment, with its default. */
const EnvSchema = z
  .object({
    PORT: int(0, 65_535).default(3000),
    HOST: z.string().min(1).default("127.0.0.1"),
    DATA_DIR: z.string().min(1).default("./data"),
    /** Books database: unset means SQLite at DATA_DIR/ledgerflow.db; `postgres://…` for PostgreSQL. */
    DATABASE_URL: optionalText,
    JOBS_STORE: z
      .enum(["memory", "sqlite", "postgres", "redis"], { error: "must be memory, sqlite, postgres or redis" })
      .default("sqlite"),
    REDIS_URL: optionalText.pipe(
      z
        .string()
        .regex(/^rediss?:\/\//, { error: "must start with redis:// or rediss://" })
        .optional(),
    ),
    LEDGERFLOW_DEMO_TOKEN: optionalText.pipe(
      z
        .string()
        .regex(/^lf_[A-Za-z0-9_\-.]{13,200}$/, {
          error: "must start with lf_ and be 16–200 characters of letters, digits, '_', '-' or '.'",
        })
        .optional(),
    ),
    LLM_BASE_URL: optionalText.pipe(
      z.url({ error: "must be a URL such as http://localhost:11434/v1" }).optional(),
    ),
    LLM_API_KEY: optionalText,
    LLM_MODEL: optionalText,
    /** LLM calls in flight at once in one process. */
    LLM_CONCURRENCY: int(1, 64).default(3),
    /** Book jobs (they may call the LLM) started per LLM_RATE_PER_MS per provider; 0 = no limit. */
    LLM_RATE_MAX: int(0, 1_000_000).default(30),
    LLM_RATE_PER_MS: int(1, 86_400_000).default(60_000),
    /** Jobs of each book task running at once for one company, across every worker. */
    COMPANY_JOB_CONCURRENCY: int(1, 100).default(1),
    /** When each company's nightly categorize runs (croner syntax), read in NIGHTLY_TIMEZONE. */
    NIGHTLY_CRON: z.string().trim().min(1).default("0 3 * * *"),
    /** IANA time zone of a company created without one (and of the demo company). */
    NIGHTLY_TIMEZONE: z
      .string()
      .trim()
      .refine(isTimeZone, { error: 'must be an IANA time zone such as "UTC" or "Europe/Paris"' })
      .default("UTC"),
    WORKER_CONCURRENCY: int(1, 256).default(4),
    /** How long a claimed job is held without a heartbeat before another worker may take it over. */
    JOB_LEASE_MS: int(1_000, 3_600_000).default(30_000),
    /** Prefix of every Redis key and channel of the jobs (JOBS_STORE=redis); one per deployment. */
    REDIS_PREFIX: optionalText.pipe(
      z
        .string()
        .regex(/^[A-Za-z0-9_:{}.-]{1,64}$/, { error: "must be 1–64 letters, digits or _ : { } . -" })
        .optional(),
    ),
    /** thread: the worker runs on its own thread so long jobs never stall the API; inline: same thread. */
    WORKER_MODE: z.enum(["thread", "inline"], { error: "must be thread or inline" }).default("thread"),
    JOB_RETENTION_HOURS: z.coerce
      .number({ error: "must be a number of hours" })
      .positive({ error: "must be a positive number of hours" })
      .default(24),
    UPLOAD_MAX_BYTES: int(1, 1024 * MB).default(10 * MB),
    /** Token bucket per API token for POSTs: this many at once, refilled at RATE_LIMIT_PER_SECOND. */
    RATE_LIMIT_BURST: int(1, 1_000_000).default(60),
    RATE_LIMIT_PER_SECOND: z.coerce.number({ error: "must be a number" }).positive().default(20),
    SHUTDOWN_GRACE_MS: int(0, 3_600_000).default(10_000),
    LOG_LEVEL: z
      .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], {
        error: "must be fatal, error, warn, info, debug, trace or silent",
      })
      .default("info"),
  })
  .superRefine((env, ctx) => {
    if (env.JOBS_STORE === "redis" && !env.REDIS_URL) {
      ctx.addIssue({ code: "custom", path: ["REDIS_URL"], message: "is required when JOBS_STORE=redis" });
    }
    if (env.JOBS_STORE === "postgres" && !env.DATABASE_URL?.startsWith("postgres")) {
      ctx.addIssue({
        code: "custom",
        path: ["DATABASE_URL"],
        message: "must be a postgres:// URL when JOBS_STORE=postgres",
      });
    }
  });

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** SQLite file path or postgres:// URL of the books database. */
  databaseUrl: string;
  jobsStore: "memory" | "sqlite" | "postgres" | "redis";
  redisUrl: string | undefined;
  demoToken: string | undefined;
  llm: { baseUrl: string | undefined; apiKey: string | undefined; model: string | undefined };
  /** LLM calls in flight per process; book job starts per provider per window (null: no limit). */
  llmLimits: { concurrency: number; rate: { max: number; perMs: number } | null };
  companyJobConcurrency: number;
  nightly: { cron: string; timezone: string };
  workerConcurrency: number;
  jobLeaseMs: number;
  redisPrefix: string;
  workerMode: "thread" | "inline";
  jobRetentionMs: number;
  uploadMaxBytes: number;
  rateLimit: { burst: number; perSecond: number };
  shutdownGraceMs: number;
  logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
}

/** Thrown by {@link loadConfig}; its message is the one line start-up prints before exiting. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

/** Reads and validates the environment. A bad value throws a {@link ConfigError} naming the variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // An empty variable (`PORT=`) means "use the default", as in most twelve-factor apps.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value?.trim()));
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue?.path[0] ?? "environment");
    const raw = env[name];
    const secret = /TOKEN|KEY/.test(name);
    const got =
      raw === undefined || secret
        ? ""
        : ` (got ${JSON.stringify(raw.length > 40 ? `${raw.slice(0, 40)}…` : raw)})`;
    throw new ConfigError(`Invalid configuration: ${name} ${issue?.message ?? "is invalid"}${got}.`);
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.DATA_DIR);
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir,
    databaseUrl: e.DATABASE_URL ?? path.join(dataDir, "ledgerflow.db"),
    jobsStore:
      present.JOBS_STORE === undefined && e.DATABASE_URL?.startsWith("postgres") ? "postgres" : e.JOBS_STORE,
    redisUrl: e.REDIS_URL,
    demoToken: e.LEDGERFLOW_DEMO_TOKEN,
    llm: { baseUrl: e.LLM_BASE_URL, apiKey: e.LLM_API_KEY, model: e.LLM_MODEL },
    llmLimits: {
      concurrency: e.LLM_CONCURRENCY,
      rate: e.LLM_RATE_MAX === 0 ? null : { max: e.LLM_RATE_MAX, perMs: e.LLM_RATE_PER_MS },
    },
    companyJobConcurrency: e.COMPANY_JOB_CONCURRENCY,
    nightly: { cron: e.NIGHTLY_CRON, timezone: e.NIGHTLY_TIMEZONE },
    workerConcurrency: e.WORKER_CONCURRENCY,
    jobLeaseMs: e.JOB_LEASE_MS,
    redisPrefix: e.REDIS_PREFIX ?? "lf",
    workerMode: e.WORKER_MODE,
    jobRetentionMs: Math.round(e.JOB_RETENTION_HOURS * 3_600_000),
    uploadMaxBytes: e.UPLOAD_MAX_BYTES,
    rateLimit: { burst: e.RATE_LIMIT_BURST, perSecond: e.RATE_LIMIT_PER_SECOND },
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    logLevel: e.LOG_LEVEL,
  };
}
