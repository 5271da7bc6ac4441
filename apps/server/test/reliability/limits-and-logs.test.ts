import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestServer } from "../support/server.js";
import { REPO_ROOT, type StartedProcess, startProcess } from "../support/start-process.js";

const BIN = path.join(REPO_ROOT, "apps/server/bin/ledgerflow.mjs");
const FIXTURE = readFileSync(path.join(REPO_ROOT, "apps/server/test/fixtures/small-bank.csv"));

describe("rate limit on writes", () => {
  it("answers the write past the burst with 429, Retry-After and the error shape; reads and other tokens go on", async () => {
    const server = await createTestServer({ tasks: [], rateLimit: { burst: 3, perSecond: 0.2 } });
    try {
      const post = (tenant = server.a) =>
        server.call(tenant, `/api/companies/${tenant.companyId}/rules`, {
          method: "POST",
          json: {
            name: "r",
            conditions: [{ field: "description", op: "contains", value: "x" }],
            account_id: "nope",
          },
        });
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) statuses.push((await post()).status);
      expect(statuses).not.toContain(429);
      const limited = await post();
      expect(limited.status).toBe(429);
      const retryAfter = Number(limited.headers.get("retry-after"));
      expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 10).toBe(true);
      expect(await limited.json()).toEqual({ error: { code: "rate_limited", message: expect.any(String) } });
      for (const method of ["PUT", "PATCH", "DELETE"]) {
        const res = await server.call(server.a, `/api/rules/rul_x`, { method, json: {} });
        expect(res.status, method).toBe(429);
      }
      expect((await server.call(server.a, "/api/jobs")).status).toBe(200);
      expect((await post(server.b)).status).not.toBe(429);
    } finally {
      await server.close();
    }
  });
});

describe("tokens never reach the logs", () => {
  let dataDir: string;
  let serve: StartedProcess | undefined;
  const token = `lf_${"Reliability".repeat(3)}Secret`;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), "ledgerflow-logs-"));
    serve = await startProcess("node", [BIN, "serve", "--json"], {
      DATA_DIR: dataDir,
      PORT: "0",
      LOG_LEVEL: "trace",
      LEDGERFLOW_DEMO_TOKEN: token,
      WORKER_CONCURRENCY: "2",
    });
  }, 90_000);
  afterAll(async () => {
    await serve?.stop("SIGTERM");
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("logs requests, a job's run and failures at trace level without the token in any line", {
    timeout: 90_000,
  }, async () => {
    if (!serve) throw new Error("the server did not start");
    const { url, company_id: company } = JSON.parse(/\{.*"url".*\}/.exec(serve.output())?.[0] ?? "{}");
    const auth = { Authorization: `Bearer ${token}` };
    const form = new FormData();
    form.set("company_id", company);
    form.set("file", new File([FIXTURE], "statement.csv", { type: "text/csv" }));
    const upload = await fetch(`${url}/api/jobs/upload-and-categorize`, {
      method: "POST",
      headers: auth,
      body: form,
    });
    expect(upload.status).toBe(202);
    const { job_id } = await upload.json();
    const requests = [
      fetch(`${url}/api/jobs?token=${token}`, { headers: auth }),
      fetch(`${url}/api/companies/${company}/accounts?access_token=${token}`, { headers: auth }),
      fetch(`${url}/api/jobs/categorize`, { method: "POST", headers: auth, body: "{not json" }),
      fetch(`${url}/api/jobs`, { headers: { Authorization: `Bearer ${token}x` } }),
      fetch(`${url}/api/jobs`, { headers: { Authorization: token } }),
      fetch(`${url}/api/rules/x`, {
        method: "PATCH",
        headers: { ...auth, "Content-Type": "application/json" },
        body: JSON.stringify({ name: token }),
      }),
    ];
    for (const res of await Promise.all(requests)) expect(res.status).toBeLessThan(500);
    // Bounded waits (30 s): under a loaded machine the job and the piped log lines arrive late.
    let status = "";
    for (let i = 0; i < 300 && !["complete", "failed"].includes(status); i++) {
      status = (await (await fetch(`${url}/api/jobs/${job_id}`, { headers: auth })).json()).status;
      if (!["complete", "failed"].includes(status)) await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe("complete");
    const requestLines = () =>
      serve
        ?.output()
        .split("\n")
        .filter((l) => l.includes('"msg":"request"')).length ?? 0;
    for (let i = 0; i < 300 && !(serve.output().includes(job_id) && requestLines() >= 7); i++)
      await new Promise((r) => setTimeout(r, 100));
    const logs = serve.output();
    // the server logged what happened (so the absence below means something) …
    expect(logs).toContain(job_id);
    expect(requestLines()).toBeGreaterThanOrEqual(7);
    // … but never the token, nor its secret part, anywhere — except the start-up line that prints it once
    const lines = logs.split("\n").filter((l) => !l.includes('"url"') && !/Sign in with the token/.test(l));
    expect(lines.filter((l) => l.includes(token.slice(3)))).toEqual([]);
  });
});
