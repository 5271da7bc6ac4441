import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { freePort, startProcess } from "./support/start-process.js";

const FIXTURE = readFileSync(new URL("./fixtures/small-bank.csv", import.meta.url));

describe("npm start, as a new user runs it", () => {
  it("starts on a fresh data dir, accepts the printed token, completes an uploaded CSV with counts, and stops on SIGTERM", async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "ledgerflow-start-"));
    const port = await freePort();
    const token = `lf_test_${randomBytes(12).toString("hex")}`;
    const server = await startProcess(
      "npm",
      ["start"],
      {
        PORT: String(port),
        DATA_DIR: dataDir,
        LEDGERFLOW_DEMO_TOKEN: token,
        LOG_LEVEL: "warn",
        // The web build is the web app's own test's business; here it would race other builds of apps/web.
        LEDGERFLOW_SKIP_WEB_BUILD: "1",
      },
      90_000,
    );
    try {
      expect(server.url).toBe(`http://127.0.0.1:${port}`);
      expect(server.output()).toContain(`Sign in with the token: ${token}`);
      expect(existsSync(path.join(dataDir, "ledgerflow.db"))).toBe(true);
      const auth = { Authorization: `Bearer ${token}` };

      const { companies } = (await (
        await fetch(`${server.url}/api/companies`, { headers: auth })
      ).json()) as {
        companies: Array<{ id: string }>;
      };
      const companyId = companies[0]?.id ?? "";
      const form = new FormData();
      form.set("company_id", companyId);
      form.set("file", new File([FIXTURE], "small-bank.csv", { type: "text/csv" }));
      const accepted = await fetch(`${server.url}/api/jobs/upload-and-categorize`, {
        method: "POST",
        headers: auth,
        body: form,
      });
      expect(accepted.status).toBe(202);
      const { job_id } = (await accepted.json()) as { job_id: string };

      // Poll like the web app does, until the job is terminal.
      let job: { status: string; result: Record<string, unknown> | null; error: unknown } = {
        status: "pending",
        result: null,
        error: null,
      };
      for (let polls = 0; polls < 150 && !["complete", "failed", "cancelled"].includes(job.status); polls++) {
        await sleep(200);
        job = (await (
          await fetch(`${server.url}/api/jobs/${job_id}`, { headers: auth })
        ).json()) as typeof job;
      }
      expect(job.error).toBeNull();
      expect(job.status).toBe("complete");
      expect(job.result).toMatchObject({ parsed: 8, inserted: 8, invalid: 0 });
    } finally {
      const ended = await server.stop("SIGTERM");
      rmSync(dataDir, { recursive: true, force: true });
      // npm forwards SIGTERM to the server and then ends by the same signal; the server itself says it stopped cleanly.
      expect([0, "SIGTERM"]).toContain(ended);
      expect(server.output()).toContain("Ledgerflow stopped.");
    }
  }, 120_000);
});
