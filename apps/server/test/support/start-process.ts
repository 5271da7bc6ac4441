import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../..");

/** A port nothing listens on right now (the OS picks it). */
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

export interface StartedProcess {
  child: ChildProcess;
  url: string;
  /** Everything the process printed so far (stdout and stderr). */
  output(): string;
  /**
   * Sends the signal and resolves once the process and everything holding its output (the server
   * under `npm start`) have ended: with the exit code, or the signal's name when npm re-raised it.
   */
  stop(signal?: NodeJS.Signals): Promise<number | string | null>;
}

/**
 * Runs a command (e.g. `npm start`) and resolves once it prints its URL. Rejects with its output if
 * it exits first or does not start within `timeoutMs`.
 */
export function startProcess(
  command: string,
  args: string[],
  env: Record<string, string>,
  timeoutMs = 60_000,
): Promise<StartedProcess> {
  // Its own process group, so a signal reaches npm and the server under it, as Ctrl-C in a terminal does
  // (npm itself does not pass SIGTERM on to the script it runs).
  const child = spawn(command, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      if (child.pid) process.kill(-child.pid, signal);
    } catch {
      // the group has already exited
    }
  };
  let output = "";
  // "close" (not "exit"): it waits for the output pipes, which the server under npm holds until it ends.
  const exited = new Promise<number | string | null>((resolve) =>
    child.once("close", (code, signal) => resolve(code ?? signal)),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signalGroup("SIGKILL");
      reject(new Error(`${command} ${args.join(" ")} did not start within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /running at (http:\/\/\S+)/.exec(output) ?? /"url":"(http:[^"]+)"/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        child.stdout?.off("data", onData);
        child.stdout?.on("data", (more: Buffer) => {
          output += more.toString();
        });
        resolve({
          child,
          url: match[1],
          output: () => output,
          async stop(signal = "SIGTERM") {
            signalGroup(signal);
            return exited;
          },
        });
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${command} exited with ${code} before it started:\n${output}`));
    });
  });
}
