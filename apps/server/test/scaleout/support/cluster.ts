import { type Child, startNode, stopChild } from "../../../../../chaos/lib/processes.js";
import { freePort } from "../../../../../chaos/lib/server.js";

const CLI = "apps/server/bin/ledgerflow.mjs";
const TOKEN = "lf_scaleOutScaleOut0001";

export interface ApiProcess {
  proc: Child;
  url: string;
}

export interface WorkerProcess {
  proc: Child;
  /** The worker's id, which is the lease owner of the jobs it runs. */
  id: string;
}

export interface Cluster {
  apis: ApiProcess[];
  /** The workers alive now (killed ones are removed, replacements added). */
  workers: WorkerProcess[];
  token: string;
  tenantId: string;
  /** SIGKILLs the worker (no shutdown, no lease release) and starts a replacement. */
  killAndReplace(worker: WorkerProcess): Promise<void>;
  kills: number;
  /** SIGTERM to every process (SIGKILL after a grace period). */
  stop(): Promise<void>;
}

/**
 * `ledgerflow serve --no-worker` × apis and `ledgerflow worker` × workers on one environment, each a
 * single node process (so a SIGKILL hits the process that holds the leases, not a wrapper).
 */
export async function startCluster(
  env: Record<string, string>,
  counts: { apis: number; workers: number },
): Promise<Cluster> {
  const common = {
    ...env,
    HOST: "127.0.0.1",
    LEDGERFLOW_DEMO_TOKEN: TOKEN,
    RATE_LIMIT_BURST: "1000000",
    RATE_LIMIT_PER_SECOND: "1000000",
    WORKER_CONCURRENCY: "4",
    SHUTDOWN_GRACE_MS: "2000",
  };
  const apis: ApiProcess[] = [];
  const workers: WorkerProcess[] = [];
  const replacing = new Set<Promise<void>>();
  const startApi = async () => {
    const port = await freePort();
    const proc = await startNode(
      CLI,
      ["serve", "--no-worker", "--json"],
      { ...common, PORT: String(port), LOG_LEVEL: "warn" },
      /"url":"http/,
      90_000,
    );
    apis.push({ proc, url: `http://127.0.0.1:${port}` });
  };
  const startWorker = async () => {
    const proc = await startNode(CLI, ["worker"], { ...common, LOG_LEVEL: "info" }, /worker started/, 90_000);
    const id = /"worker":"([^"]+)"/.exec(proc.output())?.[1];
    if (!id) throw new Error(`the worker's start line has no id:\n${proc.output()}`);
    workers.push({ proc, id });
  };
  const cluster: Cluster = {
    apis,
    workers,
    token: TOKEN,
    tenantId: "",
    kills: 0,
    async killAndReplace(worker) {
      const at = workers.indexOf(worker);
      if (at >= 0) workers.splice(at, 1);
      worker.proc.child.kill("SIGKILL");
      cluster.kills++;
      await worker.proc.exited;
      const replacement = startWorker();
      replacing.add(replacement);
      await replacement.finally(() => replacing.delete(replacement));
    },
    async stop() {
      // A replacement still starting would outlive the test otherwise.
      await Promise.allSettled([...replacing]);
      await Promise.all([...apis, ...workers].map((p) => stopChild(p.proc, "SIGTERM", 10_000)));
    },
  };
  // The first API with every worker at once (migrations run under a lock, so they may race), then
  // the other APIs: two first starts seeding the demo tenant together collide (reported, see
  // docs/scaling.md), so a deployment starts one API first, as this does.
  const phases = [
    [startApi, ...Array.from({ length: counts.workers }, () => startWorker)],
    Array.from({ length: counts.apis - 1 }, () => startApi),
  ];
  for (const phase of phases) {
    // allSettled, so a process still starting is not left behind when another one fails.
    const started = await Promise.allSettled(phase.map((start) => start()));
    const failed = started.find((s) => s.status === "rejected");
    if (failed) {
      await cluster.stop();
      throw failed.reason;
    }
  }
  const line = /\{[^\n]*"url"[^\n]*\}/.exec(apis[0]?.proc.output() ?? "")?.[0] ?? "{}";
  cluster.tenantId = (JSON.parse(line) as { tenant_id?: string }).tenant_id ?? "";
  return cluster;
}
