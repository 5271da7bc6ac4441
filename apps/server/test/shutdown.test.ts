import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { createQueue } from "@ledgerflow/jobs";
import { createSqliteStore } from "@ledgerflow/jobs/sqlite";
import { describe, expect, it } from "vitest";
import { freePort, startProcess } from "./support/start-process.js";

function largeCsv(rows: number): string {
  const lines = ["Date,Description,Amount"];
  for (let i = 0; i < rows; i++) {
    lines.push(
      `2025-${String((i % 12) + 1).padStart(2, "0")}-${String((i % 28) + 1).padStart(2, "0")},SHOP ${i},-${1 + (i % 90)}.${String(i % 100).padStart(2, "0")}`,
    );
  }
  return `${lines.join("\n")}\n`;
}

describe("SIGTERM", () => {
  it("lets a running job finish within the grace period, then exits 0", async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "ledgerflow-shutdown-"));
    const token = `lf_test_${randomBytes(12).toString("hex")}`;
    const server = await startProcess(
      "node",
      ["scripts/start.mjs"],
      {
        PORT: String(await freePort()),
        DATA_DIR: dataDir,
        LEDGERFLOW_DEMO_TOKEN: token,
        LEDGERFLOW_SKIP_WEB_BUILD: "1",
        LOG_LEVEL: "warn",
        SHUTDOWN_GRACE_MS: "120000",
      },
      90_000,
    );
    let jobId = "";
    try {
      const auth = { Authorization: `Bearer ${token}` };
      const form = new FormData();
      form.set("company_id", "co_demo");
      form.set("file", new File([largeCsv(20_000)], "large.csv", { type: "text/csv" }));
      const accepted = await fetch(`${server.url}/api/jobs/upload-and-categorize`, {
        method: "POST",
        headers: auth,
        body: form,
      });
      jobId = ((await accepted.json()) as { job_id: string }).job_id;
      for (let polls = 0; polls < 300; polls++) {
        const job = (await (await fetch(`${server.url}/api/jobs/${jobId}`, { headers: auth })).json()) as {
          status: string;
        };
        if (job.status !== "pending") break;
        await sleep(50);
      }
    } finally {
      const ended = await server.stop("SIGTERM");
      expect(ended).toBe(0);
    }
    expect(server.output()).toContain("Ledgerflow stopped.");
    // After the process is gone, the job in the file is finished: it was not cut off by the shutdown.
    const queue = createQueue({
      store: createSqliteStore({ path: path.join(dataDir, "ledgerflow.db") }),
      tasks: [],
    });
    try {
      const job = await queue.get(null, jobId);
      expect(job.status).toBe("complete");
      expect(job.result).toMatchObject({ parsed: 20_000 });
    } finally {
      await queue.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 180_000);
});
