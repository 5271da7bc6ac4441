import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { parseProcStat } from "../engine/cpu.js";
import { DATABASE_URL, REDIS_URL } from "../engine/scaleout-services.js";
import { median } from "../engine/stats.js";
import { RESULT_PREFIX } from "../engine/system.js";
import { cleanupNetns, NETNS, netemAvailable, setupNetns } from "./netns.js";
import { RELAY_READY, type RelayConfig } from "./relay.js";
import type { NetnsFigures } from "./workload.js";

const CHILD = fileURLToPath(new URL("../engine/child.ts", import.meta.url));
const PROBE = fileURLToPath(new URL("./probe.ts", import.meta.url));
const RELAY = fileURLToPath(new URL("./relay.ts", import.meta.url));

/** Our two scale-out stores and the peer on each one's backend. */
const TARGETS = ["postgres", "graphile-worker", "redis", "BullMQ"] as const;
const PEER: Record<string, string> = { postgres: "graphile-worker", redis: "BullMQ" };

const PG_PORT = 15432;
const REDIS_PORT = 16379;

/** One network shape: where the bench child runs and how much round trip the link adds. */
interface Shape {
  label: string;
  /** false: the root namespace straight to 127.0.0.1 (the engine bench's setup). */
  inNamespace: boolean;
  rttMs: number;
}

const SHAPES: readonly Shape[] = [
  { label: "direct (no namespace, no relay)", inNamespace: false, rttMs: 0 },
  { label: "namespace + relay, +0 ms", inNamespace: true, rttMs: 0 },
  { label: "namespace + relay, +1 ms RTT", inNamespace: true, rttMs: 1 },
  { label: "namespace + relay, +5 ms RTT", inNamespace: true, rttMs: 5 },
];

const children = new Set<ChildProcess>();

function ticksOf(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, "utf8")).ownTicks * 10;
  } catch {
    return 0;
  }
}

function namespaceEnv(): NodeJS.ProcessEnv {
  const pg = new URL(DATABASE_URL);
  pg.hostname = NETNS.hostAddr;
  pg.port = String(PG_PORT);
  const redis = new URL(REDIS_URL);
  redis.hostname = NETNS.hostAddr;
  redis.port = String(REDIS_PORT);
  return { ...process.env, DATABASE_URL: pg.toString(), REDIS_URL: redis.toString() };
}

/** Runs a script (in the namespace or not) and returns its RESULT_PREFIX line, parsed. */
function runScript<T>(args: readonly string[], inNamespace: boolean): Promise<T> {
  return new Promise((resolve, reject) => {
    const [cmd, argv] = inNamespace
      ? ["ip", ["netns", "exec", NETNS.name, process.execPath, "--import", "tsx", ...args]]
      : [process.execPath, ["--import", "tsx", ...args]];
    const child = spawn(cmd as string, argv as string[], {
      stdio: ["ignore", "pipe", "inherit"],
      env: inNamespace ? namespaceEnv() : process.env,
    });
    children.add(child);
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString("utf8");
    });
    child.on("error", reject);
    child.on("exit", (code) => {
      children.delete(child);
      const line = out.split("\n").find((l) => l.startsWith(RESULT_PREFIX));
      if (code !== 0 || line === undefined)
        reject(new Error(`${args.join(" ")} exited with ${code}:\n${out}`));
      else resolve(JSON.parse(line.slice(RESULT_PREFIX.length)) as T);
    });
  });
}

function startRelay(delayMs: number): Promise<ChildProcess> {
  const config: RelayConfig = {
    listenHost: NETNS.hostAddr,
    delayMs,
    routes: [
      {
        listenPort: PG_PORT,
        host: new URL(DATABASE_URL).hostname,
        port: Number(new URL(DATABASE_URL).port || 5432),
      },
      {
        listenPort: REDIS_PORT,
        host: new URL(REDIS_URL).hostname,
        port: Number(new URL(REDIS_URL).port || 6379),
      },
    ],
  };
  return new Promise((resolve, reject) => {
    const relay = spawn(process.execPath, ["--import", "tsx", RELAY, JSON.stringify(config)], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    children.add(relay);
    relay.on("exit", () => children.delete(relay));
    relay.on("error", reject);
    relay.stdout.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes(RELAY_READY)) resolve(relay);
    });
    relay.once("exit", (code) => reject(new Error(`relay exited with ${code} before it listened`)));
  });
}

function stopRelay(relay: ChildProcess | undefined): Promise<void> {
  if (relay === undefined || relay.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    relay.once("exit", () => resolve());
    relay.kill("SIGTERM");
  });
}

/** netem on both ends of the veth, half the RTT each (only where the kernel has netem); 0 removes it. */
function setNetem(rttMs: number): void {
  const sides: Array<[string, string[]]> = [
    ["tc", []],
    ["ip", ["netns", "exec", NETNS.name, "tc"]],
  ];
  for (const [index, [cmd, prefix]] of sides.entries()) {
    const dev = index === 0 ? NETNS.hostIf : NETNS.nsIf;
    const args =
      rttMs === 0
        ? [...prefix, "qdisc", "del", "dev", dev, "root"]
        : [...prefix, "qdisc", "replace", "dev", dev, "root", "netem", "delay", `${rttMs / 2}ms`];
    try {
      execFileSync(cmd, args, { stdio: "ignore" });
    } catch {
      // del of an absent qdisc
    }
  }
}

const fmt = (v: number, digits = 0) =>
  Number.isFinite(v)
    ? v.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits })
    : "—";

/**
 * `npm run bench -- netns [target filter…]` (root only): W1 no-op processing (concurrency 20) and W3
 * enqueue → start for our PostgreSQL and Redis stores and graphile-worker and BullMQ, with the bench
 * child (workers and enqueuer) in a network namespace of its own and the servers behind a veth link
 * and a relay, at +0, +1 and +5 ms round trip, plus the engine bench's own setup (direct) to show the
 * relay's cost. BENCH_REPEAT (default 1) repeats each cell, interleaved; medians reported.
 */
export async function runNetnsBench(filters: readonly string[]): Promise<void> {
  const repeat = Math.max(1, Number(process.env.BENCH_REPEAT ?? 1));
  const targets = TARGETS.filter(
    (t) => filters.length === 0 || filters.some((f) => t.toLowerCase().includes(f.toLowerCase())),
  );
  let relay: ChildProcess | undefined;
  const cleanup = () => {
    for (const child of children) child.kill("SIGKILL");
    cleanupNetns();
  };
  const onSignal = (signal: NodeJS.Signals) => {
    console.error(`\n${signal}: removing the namespace and stopping the relay`);
    cleanup();
    process.exit(130);
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    setupNetns();
    const netem = netemAvailable();
    console.log(
      netem.ok
        ? "latency: tc netem on both veth ends, half the RTT each; the relay only forwards"
        : `latency: no netem in this kernel (${netem.message}); the relay holds each server → client chunk for the whole added RTT`,
    );
    console.log(`targets: ${targets.join(", ")}; ${repeat} run(s) each`);
    const loadBefore = loadavg();
    const cells = new Map<string, NetnsFigures[]>();
    const relayCpu = new Map<string, number[]>();
    const probes = new Map<string, { pgP50: number; pgP99: number; redisP50: number; redisP99: number }>();
    for (let round = 1; round <= repeat; round += 1) {
      for (const shape of SHAPES) {
        if (shape.inNamespace) {
          relay = await startRelay(netem.ok ? 0 : shape.rttMs);
          if (netem.ok) setNetem(shape.rttMs);
        }
        try {
          if (round === 1) probes.set(shape.label, await runScript([PROBE], shape.inNamespace));
          for (const target of targets) {
            const before = ticksOf(relay?.pid);
            const figures = await runScript<NetnsFigures>([CHILD, target, "netns"], shape.inNamespace);
            const key = `${shape.label}|${target}`;
            cells.set(key, [...(cells.get(key) ?? []), figures]);
            // relay CPU over the whole child run (warm-up + 10,000 + 200 jobs), per 1,000 jobs
            relayCpu.set(key, [
              ...(relayCpu.get(key) ?? []),
              ((ticksOf(relay?.pid) - before) * 1000) / 12_200,
            ]);
            console.log(
              `run ${round} ${shape.label} ${target}: ${JSON.stringify(figures, (_, v) => (typeof v === "number" ? Math.round(v * 100) / 100 : v))}`,
            );
          }
        } finally {
          if (netem.ok) setNetem(0);
          await stopRelay(relay);
          relay = undefined;
        }
      }
    }
    const loadAfter = loadavg();
    console.log(
      `\nload average (1/5/15 min) before ${loadBefore.map((v) => v.toFixed(2)).join(" ")}, after ${loadAfter.map((v) => v.toFixed(2)).join(" ")}\n`,
    );
    console.log("| network | SELECT 1 p50 / p99 | Redis PING p50 / p99 |");
    console.log("|---|---:|---:|");
    for (const [label, p] of probes)
      console.log(
        `| ${label} | ${fmt(p.pgP50, 2)} / ${fmt(p.pgP99, 2)} ms | ${fmt(p.redisP50, 2)} / ${fmt(p.redisP99, 2)} ms |`,
      );
    console.log("");
    console.log(
      "| network | target | no-op jobs/s (conc. 20) | vs peer | vs direct | enqueue → start p50 / p99 | CPU ms / 1,000 jobs: worker + server + relay |",
    );
    console.log("|---|---|---:|---:|---:|---:|---:|");
    const med = (key: string, field: keyof NetnsFigures) =>
      median((cells.get(key) ?? []).map((f) => f[field]));
    for (const shape of SHAPES) {
      for (const target of targets) {
        const key = `${shape.label}|${target}`;
        if (!cells.has(key)) continue;
        const peer = PEER[target];
        const peerRate = peer === undefined ? Number.NaN : med(`${shape.label}|${peer}`, "processing");
        const directRate = med(`${SHAPES[0]!.label}|${target}`, "processing");
        const rate = med(key, "processing");
        const relayMs = shape.inNamespace ? median(relayCpu.get(key) ?? []) : 0;
        console.log(
          `| ${shape.label} | ${target} | ${fmt(rate)} | ${Number.isFinite(peerRate) ? `${fmt(rate / peerRate, 2)}×` : ""} | ${fmt(rate / directRate, 2)}× | ${fmt(med(key, "startP50"), 2)} / ${fmt(med(key, "startP99"), 2)} ms | ${fmt(med(key, "cpuSelf"))} + ${fmt(med(key, "cpuServer"))} + ${fmt(relayMs)} |`,
        );
      }
    }
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    cleanup();
  }
}
