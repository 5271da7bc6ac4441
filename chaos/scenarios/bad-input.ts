import { createWorker, type TaskLogger } from "@ledgerflow/jobs";
import fc from "fast-check";
import {
  csvBytes,
  fileName,
  isErrorShape,
  jsonBody,
  rawBody,
} from "../../apps/server/test/reliability/support/fuzz.js";
import {
  describeBadOutcome,
  settleFirstAttempts,
} from "../../apps/server/test/reliability/support/settle.js";
import { createTestServer } from "../../apps/server/test/support/server.js";

export interface BadInputReport {
  csvFiles: number;
  jsonBodies: number;
  accepted: number;
  serverErrors: number;
  /** 4xx answers without the error shape (code + a message). */
  unclearRejections: number;
  /** Accepted files whose import crashed, retried or failed without a message. */
  badJobs: number;
  seconds: number;
  examples: string[];
}

const SILENT: TaskLogger = { info() {}, warn() {}, error() {} };

/** The quick suite's fuzzing, 10× bigger: the real app in process (no port), then its import task. */
export async function runBadInput(o: { csvFiles: number; jsonBodies: number }): Promise<BadInputReport> {
  const started = Date.now();
  const server = await createTestServer({ rateLimit: { burst: 1e9, perSecond: 1e9 } });
  const examples: string[] = [];
  let serverErrors = 0;
  let unclear = 0;
  const accepted: string[] = [];
  const judge = async (res: Response, what: string) => {
    const body = await res.json().catch(() => null);
    if (res.status === 202 && body?.job_id && what.startsWith("upload")) accepted.push(body.job_id);
    if (res.status >= 500) serverErrors++;
    else if (res.status >= 400 && !isErrorShape(body)) unclear++;
    else return;
    if (examples.length < 5) examples.push(`${what} → ${res.status} ${JSON.stringify(body)?.slice(0, 120)}`);
  };
  try {
    const files = fc.sample(fc.tuple(csvBytes, fileName), o.csvFiles);
    for (const [i, [bytes, name]] of files.entries()) {
      const form = new FormData();
      form.set("company_id", server.a.companyId);
      form.set("file", new File([new Uint8Array(bytes)], name, { type: "text/csv" }));
      await judge(
        await server.call(server.a, "/api/jobs/upload-and-categorize", { method: "POST", body: form }),
        `upload #${i}`,
      );
    }
    const { a } = server;
    const routes: [string, string][] = [
      ["POST", "/api/jobs/categorize"],
      ["POST", "/api/companies"],
      ["POST", `/api/companies/${a.companyId}/rules`],
      ["PUT", `/api/companies/${a.companyId}/rules/order`],
      ["PATCH", "/api/transactions/txn_missing"],
      ["PATCH", "/api/rules/rul_missing"],
    ];
    const bodies = fc.sample(
      fc.tuple(
        fc.constantFrom(...routes),
        fc.oneof(
          jsonBody,
          rawBody.map((raw) => ({ raw })),
        ),
      ),
      o.jsonBodies,
    );
    for (const [[method, path], body] of bodies) {
      const raw = (body as { raw?: string } | null)?.raw;
      const res =
        typeof raw === "string"
          ? await server.call(a, path, { method, body: raw, headers: { "Content-Type": "application/json" } })
          : await server.call(a, path, { method, json: body });
      await judge(res, `${method} ${path} ${JSON.stringify(body).slice(0, 60)}`);
    }
    const worker = createWorker(server.queue, { concurrency: 4, pollIntervalMs: 10, logger: SILENT });
    worker.start();
    const jobs = await settleFirstAttempts(server.queue, a.tenantId, accepted, 240_000);
    await worker.stop();
    const bad = jobs.map(describeBadOutcome).filter((x): x is string => x !== null);
    examples.push(...bad.slice(0, 5));
    return {
      csvFiles: o.csvFiles,
      jsonBodies: o.jsonBodies,
      accepted: accepted.length,
      serverErrors,
      unclearRejections: unclear,
      badJobs: bad.length + (accepted.length - jobs.length),
      seconds: Math.round((Date.now() - started) / 1000),
      examples,
    };
  } finally {
    await server.close();
  }
}
