import { JOB_STATUSES, type JobStatus, toWireJob } from "@ledgerflow/jobs";
import type { Runtime } from "../runtime/open.js";

/** `ledgerflow jobs ls`: the newest jobs of every tenant (the CLI is an operator's tool on its own data). */
export async function listJobsCommand(
  runtime: Runtime,
  options: { status?: string; type?: string; limit?: string; json: boolean },
): Promise<void> {
  const statuses = options.status?.split(",") ?? [];
  const bad = statuses.find((s) => !(JOB_STATUSES as readonly string[]).includes(s));
  if (bad) throw new Error(`--status ${bad} is not a status; use ${JOB_STATUSES.join(", ")}`);
  const limit = Math.min(Math.max(Number(options.limit ?? 20) || 20, 1), 500);
  const tenants = await runtime.db.selectFrom("tenants").select(["id"]).execute();
  const jobs = [];
  for (const { id } of tenants) {
    const page = await runtime.queue.list({
      tenantId: id,
      limit,
      ...(statuses.length ? { status: statuses as JobStatus[] } : {}),
      ...(options.type ? { type: options.type } : {}),
    });
    jobs.push(...page.jobs);
  }
  jobs.sort((a, b) => b.createdAt - a.createdAt);
  const shown = jobs.slice(0, limit);
  if (options.json) {
    process.stdout.write(
      `${JSON.stringify(shown.map((j) => ({ tenant_id: j.tenantId, ...toWireJob(j) })))}\n`,
    );
    return;
  }
  if (shown.length === 0) {
    process.stdout.write("No jobs.\n");
    return;
  }
  for (const j of shown) {
    const when = new Date(j.createdAt).toISOString().replace("T", " ").slice(0, 19);
    process.stdout.write(
      `${j.id}  ${j.status.padEnd(9)} ${String(Math.round(j.progress)).padStart(3)}%  ${j.type.padEnd(24)} ${when}  ${j.message ?? ""}\n`,
    );
  }
}

/** `ledgerflow jobs show ID`: one job in full, whichever tenant it belongs to. */
export async function showJobCommand(runtime: Runtime, id: string, json: boolean): Promise<void> {
  const job = await runtime.queue.get(null, id);
  const wire = { tenant_id: job.tenantId, ...toWireJob(job) };
  process.stdout.write(json ? `${JSON.stringify(wire)}\n` : `${JSON.stringify(wire, null, 2)}\n`);
}
