import { createServer } from "node:net";
import { type Child, startNode } from "./processes.js";

export interface Served {
  proc: Child;
  url: string;
  token: string;
  companyId: string;
}

/** A port nothing listens on right now, so a restarted server can come back on the same one. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** `ledgerflow serve --json` (API + worker thread + sweeper, SQLite in dataDir) on 127.0.0.1. */
export async function serve(
  dataDir: string,
  port: number,
  env: Record<string, string> = {},
): Promise<Served> {
  const proc = await startNode(
    "apps/server/bin/ledgerflow.mjs",
    ["serve", "--json"],
    {
      DATA_DIR: dataDir,
      HOST: "127.0.0.1",
      PORT: String(port),
      LOG_LEVEL: "warn",
      LEDGERFLOW_DEMO_TOKEN: "lf_chaosChaosChaosChaos0001",
      RATE_LIMIT_BURST: "1000000",
      RATE_LIMIT_PER_SECOND: "1000000",
      ...env,
    },
    /"url":"http/,
    90_000,
  );
  const line = /\{[^\n]*"url"[^\n]*\}/.exec(proc.output())?.[0] ?? "{}";
  const info = JSON.parse(line) as { url: string; token: string; company_id: string };
  return { proc, url: info.url, token: info.token, companyId: info.company_id };
}

/** Multipart upload of a CSV to the running server; resolves with the status and body. */
export async function uploadCsv(s: Served, csv: string, name = "statement.csv") {
  const form = new FormData();
  form.set("company_id", s.companyId);
  form.set("file", new File([csv], name, { type: "text/csv" }));
  const res = await fetch(`${s.url}/api/jobs/upload-and-categorize`, {
    method: "POST",
    headers: { Authorization: `Bearer ${s.token}` },
    body: form,
  });
  return { status: res.status, body: (await res.json().catch(() => null)) as { job_id?: string } | null };
}
