import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { repoRoot } from "./paths.js";

export interface RunningServer {
  url: string;
  token: string;
  companyId: string;
  /** A second tenant with its own token, for isolation checks. */
  createTenant(name: string): { tenantId: string; token: string };
  /** A new operator token for a tenant (`ledgerflow tenants operator-token`). */
  createOperatorToken(tenantId: string): string;
  stop(): Promise<void>;
}

const cli = path.join(repoRoot, "apps/server/bin/ledgerflow.mjs");

/**
 * The real server (`ledgerflow serve`: API, worker, web app) on SQLite in a temporary DATA_DIR, on a
 * random port. `--json` makes it print one line with its URL and the demo token once it listens.
 */
export async function startServer(extraEnv: Record<string, string> = {}): Promise<RunningServer> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "ledgerflow-e2e-"));
  const env = {
    ...process.env,
    PORT: "0",
    HOST: "127.0.0.1",
    DATA_DIR: dataDir,
    JOBS_STORE: "sqlite",
    LEDGERFLOW_DEMO_TOKEN: "lf_e2e_demo_token_0123456789",
    LOG_LEVEL: "warn",
    LLM_BASE_URL: "",
    LLM_API_KEY: "",
    ...extraEnv,
  };
  const child = spawn(process.execPath, [cli, "serve", "--json"], {
    cwd: repoRoot,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const ready = await new Promise<{ url: string; token: string; company_id: string }>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the server did not start within 60 s:\n${stderr}`)),
      60_000,
    );
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.on("line", (line) => {
      try {
        const info = JSON.parse(line) as { url?: string; token?: string; company_id?: string };
        if (info.url && info.token && info.company_id) {
          clearTimeout(timer);
          resolve(info as { url: string; token: string; company_id: string });
        }
      } catch {
        // Not the ready line.
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited with ${code} before it was ready:\n${stderr}`));
    });
  });

  return {
    url: ready.url,
    token: ready.token,
    companyId: ready.company_id,
    createTenant(name) {
      const out = spawnSync(process.execPath, [cli, "tenants", "create", name, "--json"], {
        cwd: repoRoot,
        env,
        encoding: "utf8",
      });
      if (out.status !== 0) throw new Error(`tenants create failed: ${out.stderr}`);
      const info = JSON.parse(out.stdout.trim().split("\n").at(-1) ?? "{}") as {
        tenant_id: string;
        token: string;
      };
      return { tenantId: info.tenant_id, token: info.token };
    },
    createOperatorToken(tenantId) {
      const out = spawnSync(process.execPath, [cli, "tenants", "operator-token", tenantId, "--json"], {
        cwd: repoRoot,
        env,
        encoding: "utf8",
      });
      if (out.status !== 0) throw new Error(`tenants operator-token failed: ${out.stderr}`);
      return (JSON.parse(out.stdout.trim().split("\n").at(-1) ?? "{}") as { token: string }).token;
    },
    async stop() {
      await stopChild(child);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
  await exited;
  clearTimeout(timer);
}
