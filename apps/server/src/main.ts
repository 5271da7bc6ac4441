import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseCli, USAGE } from "./cli/args.js";
import { importCommand } from "./cli/import.js";
import { listJobsCommand, showJobCommand } from "./cli/jobs.js";
import { listSchedulesCommand, pauseScheduleCommand } from "./cli/schedules.js";
import { serveCommand } from "./cli/serve.js";
import { createOperatorTokenCommand, createTenantCommand } from "./cli/tenants.js";
import { workerCommand } from "./cli/worker.js";
import { ConfigError, loadConfig } from "./config.js";
import { createLogger } from "./logger.js";
import { openRuntime, type Runtime } from "./runtime/open.js";

/** apps/web/dist beside this app, when the web app has been built. */
function webDistDir(): string | null {
  const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../web/dist");
  return existsSync(path.join(dist, "index.html")) ? dist : null;
}

async function withRuntime<T>(run: (runtime: Runtime) => Promise<T>): Promise<T> {
  const config = loadConfig();
  // One-shot commands log only warnings: their output is the answer, not the log.
  const runtime = await openRuntime(
    config,
    createLogger(config.logLevel === "info" ? "warn" : config.logLevel),
  );
  try {
    return await run(runtime);
  } finally {
    await runtime.close();
  }
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseCli(argv);
  const [command, sub, arg] = positionals;
  if (values.help || !command) {
    process.stdout.write(`${USAGE}\n`);
    return command || values.help ? 0 : 1;
  }
  switch (command) {
    case "serve":
      await serveCommand(loadConfig(), {
        worker: !values["no-worker"],
        webDist: webDistDir(),
        json: values.json,
      });
      return -1; // keeps running until a signal
    case "worker":
      await workerCommand(loadConfig());
      return -1;
    case "import": {
      if (!sub || !values.company) throw new Error("usage: ledgerflow import FILE --company ID");
      const company = values.company;
      return withRuntime((rt) => importCommand(rt, sub, company, values.json, values.map));
    }
    case "jobs":
      if (sub === "ls") {
        await withRuntime((rt) =>
          listJobsCommand(rt, {
            json: values.json,
            ...(values.status ? { status: values.status } : {}),
            ...(values.type ? { type: values.type } : {}),
            ...(values.limit ? { limit: values.limit } : {}),
          }),
        );
        return 0;
      }
      if (sub === "show" && arg) {
        await withRuntime((rt) => showJobCommand(rt, arg, values.json));
        return 0;
      }
      throw new Error("usage: ledgerflow jobs ls | jobs show ID");
    case "schedules":
      if (sub === "ls") {
        await withRuntime((rt) => listSchedulesCommand(rt, values.json));
        return 0;
      }
      if ((sub === "pause" || sub === "resume") && arg) {
        await withRuntime((rt) => pauseScheduleCommand(rt, arg, sub === "pause", values.json));
        return 0;
      }
      throw new Error("usage: ledgerflow schedules ls | schedules pause NAME | schedules resume NAME");
    case "tenants":
      if (sub === "create" && arg) {
        await withRuntime((rt) => createTenantCommand(rt, arg, values.json, values.operator));
        return 0;
      }
      if (sub === "operator-token" && arg) {
        await withRuntime((rt) => createOperatorTokenCommand(rt, arg, values.json));
        return 0;
      }
      throw new Error(
        "usage: ledgerflow tenants create NAME [--operator] | tenants operator-token TENANT_ID",
      );
    default:
      throw new Error(`unknown command "${command}"; run ledgerflow --help`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error: unknown) => {
    // One clear line, not a stack trace: configuration and usage mistakes are the common case.
    const message = error instanceof ConfigError || error instanceof Error ? error.message : String(error);
    process.stderr.write(`ledgerflow: ${message}\n`);
    process.exit(error instanceof ConfigError ? 78 : 1);
  },
);
