import { readdirSync, readFileSync } from "node:fs";

/**
 * CPU time (user + sys, ms) of this process and of the server a target talks to, so the report can
 * say how much CPU a store needs per 1,000 jobs beside how fast it went. On a shared machine jobs/s
 * depend on what else runs; CPU per job much less so.
 */
export type ServerKind = "postgres" | "redis" | "none";

/** Which server a bench target talks to, from its name (targets do not declare it). */
export function serverOf(targetName: string): ServerKind {
  const name = targetName.toLowerCase();
  if (/redis|bullmq/.test(name)) return "redis";
  if (/postgres|graphile|pg-boss/.test(name)) return "postgres";
  return "none";
}

/** Fields of /proc/<pid>/stat after the `(comm)` field, which may itself hold spaces or parens. */
export interface ProcStat {
  comm: string;
  ppid: number;
  /** utime + stime, in clock ticks. */
  ownTicks: number;
  /** cutime + cstime: the CPU of children this process reaped (exited PostgreSQL backends). */
  reapedTicks: number;
}

export function parseProcStat(text: string): ProcStat {
  const open = text.indexOf("(");
  const close = text.lastIndexOf(")");
  const comm = text.slice(open + 1, close);
  // After ") ": state(3) ppid(4) … utime(14) stime(15) cutime(16) cstime(17); index 0 here is field 3.
  const rest = text
    .slice(close + 2)
    .trim()
    .split(/\s+/);
  const field = (n: number) => Number(rest[n - 3]);
  return { comm, ppid: field(4), ownTicks: field(14) + field(15), reapedTicks: field(16) + field(17) };
}

/** Linux reports /proc times in USER_HZ, which is 100 on every mainstream architecture. */
const TICK_MS = 10;

function readStat(pid: string): ProcStat | null {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return null; // the process exited between readdir and read, or /proc is not Linux's
  }
}

/**
 * The server's CPU so far, in ms. Redis: every redis-server process (its own time includes its
 * threads). PostgreSQL: the postmaster's own time, its live children's (backends, walwriter, …),
 * and its reaped children's (cutime/cstime: backends whose connection closed during the round), so a
 * pool that disconnects mid-round is still counted. Every session on the server counts, the bench's
 * and anyone else's: on a shared server the figure is an upper bound.
 */
export function serverCpuMs(kind: ServerKind): number {
  if (kind === "none") return 0;
  const stats = new Map<string, ProcStat>();
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    const stat = readStat(pid);
    if (stat !== null) stats.set(pid, stat);
  }
  let ticks = 0;
  for (const stat of stats.values()) {
    if (kind === "redis" && stat.comm === "redis-server") ticks += stat.ownTicks;
    if (kind === "postgres" && stat.comm === "postgres") {
      const parent = stats.get(String(stat.ppid));
      const isPostmaster = parent?.comm !== "postgres";
      ticks += stat.ownTicks + (isPostmaster ? stat.reapedTicks : 0);
    }
  }
  return ticks * TICK_MS;
}

/** This process's CPU so far (user + sys), in ms. */
export function selfCpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/** CPU of this process and the server over one round; `stop()` returns both, in ms. */
export interface CpuMeter {
  start(): { stop(): { self: number; server: number } };
}

export function cpuMeter(kind: ServerKind): CpuMeter {
  return {
    start() {
      const self0 = selfCpuMs();
      const server0 = serverCpuMs(kind);
      return {
        stop: () => ({ self: selfCpuMs() - self0, server: serverCpuMs(kind) - server0 }),
      };
    },
  };
}
