import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export interface Child {
  child: ChildProcess;
  pid: number;
  output(): string;
  /** Resolves with the exit code or signal once the process has ended. */
  exited: Promise<number | string | null>;
}

/**
 * Starts `node --import tsx <script>` (one process, so a SIGKILL hits the code itself, not a wrapper)
 * and resolves once it prints a line matching `ready`. Rejects when it exits first or is too slow.
 */
export function startNode(
  script: string,
  args: string[],
  env: Record<string, string>,
  ready: RegExp,
  timeoutMs = 60_000,
): Promise<Child> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(REPO_ROOT, script), ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const exited = new Promise<number | string | null>((resolve) =>
    child.once("exit", (code, signal) => resolve(code ?? signal)),
  );
  child.stdout?.on("data", (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${script} did not get ready within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const poll = setInterval(() => {
      if (!ready.test(output)) return;
      clearInterval(poll);
      clearTimeout(timer);
      resolve({ child, pid: child.pid ?? 0, output: () => output, exited });
    }, 20);
    void exited.then((code) => {
      clearInterval(poll);
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${code} before it was ready:\n${output}`));
    });
  });
}

/** Sends the signal and waits (bounded) for the exit; SIGKILL after `graceMs`. */
export async function stopChild(c: Child, signal: NodeJS.Signals = "SIGTERM", graceMs = 15_000) {
  if (c.child.exitCode !== null || c.child.signalCode !== null) return c.exited;
  c.child.kill(signal);
  const timer = setTimeout(() => c.child.kill("SIGKILL"), graceMs);
  const code = await c.exited;
  clearTimeout(timer);
  return code;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return (
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN
  );
}

/** Starts chaos worker processes (`chaos/worker-process.ts`) with `env`, each added to `workers`. */
export function workerSpawner(env: Record<string, string>, workers: Child[]): () => Promise<Child> {
  return async () => {
    const w = await startNode("chaos/worker-process.ts", [], env, /"ready"/);
    workers.push(w);
    return w;
  };
}
