import { execFileSync } from "node:child_process";

/**
 * The bench's network: one namespace for the workers and the enqueuer (the bench child is both), a
 * veth pair to the root namespace, where PostgreSQL and Redis run (through the relay, relay.ts).
 *
 *   [ns lfbench: bench child]  lfb1 10.231.77.2 ── veth ── lfb0 10.231.77.1  [root: relay → 127.0.0.1]
 */
export const NETNS = {
  name: "lfbench",
  hostIf: "lfb0",
  nsIf: "lfb1",
  hostAddr: "10.231.77.1",
  nsAddr: "10.231.77.2",
  prefix: 30,
} as const;

type Net = typeof NETNS;

/** The `ip` commands that build the namespace and its link, in order (argv of each). */
export function setupCommands(n: Net = NETNS): string[][] {
  return [
    ["netns", "add", n.name],
    ["link", "add", n.hostIf, "type", "veth", "peer", "name", n.nsIf],
    ["link", "set", n.nsIf, "netns", n.name],
    ["addr", "add", `${n.hostAddr}/${n.prefix}`, "dev", n.hostIf],
    ["link", "set", n.hostIf, "up"],
    ["-n", n.name, "addr", "add", `${n.nsAddr}/${n.prefix}`, "dev", n.nsIf],
    ["-n", n.name, "link", "set", n.nsIf, "up"],
    ["-n", n.name, "link", "set", "lo", "up"],
  ];
}

/** What removes it again; each may fail when the thing is already gone (deleting lfb0 deletes lfb1). */
export function cleanupCommands(n: Net = NETNS): string[][] {
  return [
    ["link", "del", n.hostIf],
    ["netns", "del", n.name],
  ];
}

/** Whether `ip netns list` output holds the namespace (lines like `lfbench (id: 0)`). */
export function listsNamespace(listOutput: string, name: string = NETNS.name): boolean {
  return listOutput.split("\n").some((line) => line.trim().split(/\s+/)[0] === name);
}

function ip(args: readonly string[]): string {
  return execFileSync("ip", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** Removes the namespace and link if present; never throws (runs on exit, Ctrl-C and at start). */
export function cleanupNetns(n: Net = NETNS): void {
  for (const args of cleanupCommands(n)) {
    try {
      ip(args);
    } catch {
      // already gone
    }
  }
}

/** Builds the namespace, after removing one a killed run left behind. Throws with ip's own message. */
export function setupNetns(n: Net = NETNS): void {
  cleanupNetns(n);
  for (const args of setupCommands(n)) {
    try {
      ip(args);
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr ?? String(error);
      throw new Error(`ip ${args.join(" ")} failed: ${stderr.trim()}`);
    }
  }
  if (!listsNamespace(ip(["netns", "list"]), n.name)) throw new Error(`namespace ${n.name} was not created`);
}

/** Whether the kernel has netem (it answers "Specified qdisc kind is unknown" when it does not). */
export function netemAvailable(n: Net = NETNS): { ok: boolean; message: string } {
  try {
    ip(["-n", n.name, "link", "set", n.nsIf, "up"]);
    execFileSync(
      "ip",
      ["netns", "exec", n.name, "tc", "qdisc", "add", "dev", n.nsIf, "root", "netem", "delay", "0ms"],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    execFileSync("ip", ["netns", "exec", n.name, "tc", "qdisc", "del", "dev", n.nsIf, "root"], {
      stdio: "ignore",
    });
    return { ok: true, message: "netem available" };
  } catch (error) {
    return {
      ok: false,
      message: ((error as { stderr?: Buffer }).stderr?.toString() ?? String(error)).trim(),
    };
  }
}
