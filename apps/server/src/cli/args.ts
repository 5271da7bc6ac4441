import { parseArgs } from "node:util";

export const USAGE = `Usage: ledgerflow <command> [options]

  serve [--no-worker]             API + worker + sweeper (SQLite in DATA_DIR by default)
  worker                          a worker process (with the retention sweeper)
  import FILE --company ID [--map date=0,amount=3,description=2]
                                  import a bank CSV and categorize it, with a progress bar;
                                  prints a preview instead when unsure of the columns
  jobs ls [--status S] [--type T] list jobs (newest first)
  jobs show ID                    one job in full
  schedules ls                    every cron schedule, with its next fire time
  schedules pause|resume NAME     pause or resume one (e.g. nightly:company-co_demo)
  tenants create NAME [--operator]
                                  a tenant and its first API token (printed once); --operator:
                                  the token may also use the operator routes (/api/admin)
  tenants operator-token TENANT_ID
                                  a new operator token for an existing tenant (printed once)

Options: --json (machine-readable output), --help
Environment: PORT, HOST, DATA_DIR, DATABASE_URL, JOBS_STORE, REDIS_URL, LEDGERFLOW_DEMO_TOKEN,
LLM_BASE_URL, LLM_API_KEY, LLM_MODEL, WORKER_CONCURRENCY, JOB_RETENTION_HOURS (see docs/running.md).`;

export function parseCli(argv: readonly string[]) {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
      "no-worker": { type: "boolean", default: false },
      operator: { type: "boolean", default: false },
      company: { type: "string" },
      map: { type: "string" },
      status: { type: "string" },
      type: { type: "string" },
      limit: { type: "string" },
    },
  });
  return { values, positionals };
}
