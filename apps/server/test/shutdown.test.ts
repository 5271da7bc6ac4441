import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { DEMO_TENANT_ID } from "@ledgerflow/books";
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

async function startServer(dataDir: string, token: string) {
  return startProcess(
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
}

/** Uploads a file and waits until its job left `pending` (it runs). */
async function uploadAndWaitRunning(url: string, token: string, rows: number): Promise<string> {
  const auth = { Authorization: `Bearer ${token}` };
  const form = new FormData();
  form.set("company_id", "co_demo");
  form.set("file", new File([largeCsv(rows)], "large.csv", { type: "text/csv" }));
  const accepted = await fetch(`${url}/api/jobs/upload-and-categorize`, {
    method: "POST",
    headers: auth,
    body: form,
  });
  const jobId = ((await accepted.json()) as { job_id: string }).job_id;
  for (let polls = 0; polls < 300; polls++) {
    const job = (await (await fetch(`${url}/api/jobs/${jobId}`, { headers: auth })).json()) as {
      status: string;
    };
    if (job.status !== "pending") break;
    await sleep(50);
  }
  return jobId;
}

async function readJobs<T>(dataDir: string, read: (queue: ReturnType<typeof createQueue>) => Promise<T>) {
  const queue = createQueue({
    store: createSqliteStore({ path: path.join(dataDir, "ledgerflow.db") }),
    tasks: [],
  });
  try {
    return await read(queue);
  } finally {
    await queue.close();
  }
}

describe("SIGTERM", () => {
  it("lets a running job finish within the grace period, then exits 0", async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "ledgerflow-shutdown-"));
    const token = `lf_test_${randomBytes(12).toString("hex")}`;
    const server = await startServer(dataDir, token);
    let jobId = "";
    try {
      // 2,500 rows: the largest file imported in one job (a larger one is a flow of chunks, below).
      jobId = await uploadAndWaitRunning(server.url, token, 2_500);
    } finally {
      const ended = await server.stop("SIGTERM");
      expect(ended).toBe(0);
    }
    expect(server.output()).toContain("Ledgerflow stopped.");
    // After the process is gone, the job in the file is finished: it was not cut off by the shutdown.
    try {
      const job = await readJobs(dataDir, (queue) => queue.get(null, jobId));
      expect(job.status).toBe("complete");
      expect(job.result).toMatchObject({ parsed: 2_500 });
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 180_000);

  it("a large import's running chunks finish, the rest wait, and the next start completes it", async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "ledgerflow-shutdown-"));
    const token = `lf_test_${randomBytes(12).toString("hex")}`;
    try {
      const first = await startServer(dataDir, token);
      let jobId = "";
      try {
        jobId = await uploadAndWaitRunning(first.url, token, 20_000);
        // Until the parse step spawned the chunks.
        for (let i = 0; i < 200; i++) {
          const counts = await readJobs(dataDir, (queue) => queue.counts(DEMO_TENANT_ID));
          if ((counts.pending ?? 0) + (counts.running ?? 0) > 1) break;
          await sleep(50);
        }
      } finally {
        expect(await first.stop("SIGTERM")).toBe(0);
      }
      // Nothing is cut off: no job is left running; the chunks not started wait, and so does the parent.
      const after = await readJobs(dataDir, (queue) => queue.counts(DEMO_TENANT_ID));
      expect(after.running ?? 0).toBe(0);
      expect(after.failed ?? 0).toBe(0);
      const second = await startServer(dataDir, token);
      try {
        let job = await readJobs(dataDir, (queue) => queue.get(null, jobId));
        for (let i = 0; i < 1200 && job.status !== "complete" && job.status !== "failed"; i++) {
          await sleep(100);
          job = await readJobs(dataDir, (queue) => queue.get(null, jobId));
        }
        expect(job.status).toBe("complete");
        expect(job.result).toMatchObject({ parsed: 20_000, inserted: 20_000 });
      } finally {
        expect(await second.stop("SIGTERM")).toBe(0);
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 240_000);
});
