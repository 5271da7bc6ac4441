import type { ScaleBooks } from "./books.js";
import { statement } from "./books.js";
import type { Tracker } from "./tracker.js";

export interface DriveOptions {
  apis: readonly string[];
  token: string;
  books: ScaleBooks;
  /** Jobs in all, uploads included. */
  jobs: number;
  uploads: number;
  /** Each categorize job takes on at most this many transactions. */
  limit: number;
  tracker: Tracker;
}

export interface Upload {
  jobId: string;
  importId: string;
  /** The job as the other API process serves it once it settled. */
  job: { status: string; result: Record<string, unknown> | null };
}

export interface DriveResult {
  categorizeJobs: string[];
  uploads: Upload[];
  /** Job ids an API returned twice for different requests (a dedupe/idempotency mix-up). */
  reused: string[];
  seconds: number;
}

/**
 * Creates the jobs through the HTTP API, alternating between the API processes. Categorize jobs
 * dedupe per company while pending or running, so each company's loop waits for its job to settle
 * before the next one; the companies' loops and the uploads run side by side.
 */
export async function drive(o: DriveOptions): Promise<DriveResult> {
  const started = Date.now();
  const seen = new Set<string>();
  const reused: string[] = [];
  const post = async (api: string, path: string, key: string, body: BodyInit, json: boolean) => {
    const res = await request(`${api}${path}`, {
      method: "POST",
      headers: {
        Authorization: `Bearer ${o.token}`,
        // Retrying a POST whose answer was lost must not create a second job.
        "Idempotency-Key": key,
        ...(json ? { "Content-Type": "application/json" } : {}),
      },
      body,
    });
    const accepted = (await res.json()) as { job_id?: string; import_id?: string };
    if (res.status !== 202 || !accepted.job_id)
      throw new Error(`POST ${path} answered ${res.status}: ${JSON.stringify(accepted)}`);
    if (seen.has(accepted.job_id)) reused.push(accepted.job_id);
    seen.add(accepted.job_id);
    return { jobId: accepted.job_id, importId: accepted.import_id ?? "" };
  };
  const apiFor = (n: number) => o.apis[n % o.apis.length] ?? "";

  const companies = o.books.categorizeCompanies;
  const categorizeJobs: string[] = [];
  const loops = companies.map(async (companyId, c) => {
    const rounds =
      Math.floor((o.jobs - o.uploads) / companies.length) +
      (c < (o.jobs - o.uploads) % companies.length ? 1 : 0);
    for (let round = 0; round < rounds; round++) {
      const body = JSON.stringify({ company_id: companyId, limit: o.limit });
      const { jobId } = await post(
        apiFor(c + round),
        "/api/jobs/categorize",
        `cat-${c}-${round}`,
        body,
        true,
      );
      categorizeJobs.push(jobId);
      await o.tracker.settled(jobId);
    }
  });

  const uploads: Upload[] = [];
  const next = { n: 0 };
  const uploaders = Array.from({ length: 5 }, async () => {
    for (let n = next.n++; n < o.uploads; n = next.n++) {
      const form = new FormData();
      form.set("company_id", o.books.uploadCompanies[n % o.books.uploadCompanies.length] ?? "");
      form.set("file", new File([statement(n)], `statement-${n}.csv`, { type: "text/csv" }));
      const { jobId, importId } = await post(
        apiFor(n),
        "/api/jobs/upload-and-categorize",
        `up-${n}`,
        form,
        false,
      );
      await o.tracker.settled(jobId);
      const res = await request(`${apiFor(n + 1)}/api/jobs/${jobId}`, {
        headers: { Authorization: `Bearer ${o.token}` },
      });
      uploads.push({ jobId, importId, job: (await res.json()) as Upload["job"] });
    }
  });
  await Promise.all([...loops, ...uploaders]);
  return { categorizeJobs, uploads, reused, seconds: (Date.now() - started) / 1000 };
}

/** fetch, retried on a dropped connection or a 5xx (the API processes are never killed, but are busy). */
async function request(url: string, init: RequestInit): Promise<Response> {
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await fetch(url, init);
      if (res.status < 500 || attempt >= 5) return res;
      await res.body?.cancel();
    } catch (error) {
      if (attempt >= 5) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
  }
}
