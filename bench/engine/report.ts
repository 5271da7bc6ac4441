import type { EngineFigures } from "./workloads.js";

interface Row {
  label: string;
  key: keyof EngineFigures;
  unit: string;
  digits: number;
}

const ROWS: readonly Row[] = [
  { label: "W1 enqueue, single calls (20 callers)", key: "enqueueSingle", unit: "jobs/s", digits: 0 },
  { label: "W1 enqueue, bulk (1,000 per call)", key: "enqueueBulk", unit: "jobs/s", digits: 0 },
  { label: "W1 processing, no-op, concurrency 20", key: "processing", unit: "jobs/s", digits: 0 },
  { label: "W2 processing, 10 progress reports each", key: "progressJobs", unit: "jobs/s", digits: 0 },
  { label: "W3 enqueue → handler start, p50", key: "startP50", unit: "ms", digits: 2 },
  { label: "W3 enqueue → handler start, p99", key: "startP99", unit: "ms", digits: 2 },
  { label: "W4 status reads, concurrency 20", key: "reads", unit: "reads/s", digits: 0 },
  { label: "peak RSS", key: "peakRssMb", unit: "MB", digits: 0 },
];

const format = (value: number | undefined, digits: number) =>
  value === undefined || Number.isNaN(value)
    ? "—"
    : value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });

interface CpuRow {
  label: string;
  value: (figures: EngineFigures | undefined) => number | undefined;
}

const sum = (a: number | undefined, b: number | undefined) =>
  a === undefined || b === undefined ? undefined : a + b;

const CPU_ROWS: readonly CpuRow[] = [
  { label: "W1 processing: this process", value: (f) => f?.processingCpuSelf },
  { label: "W1 processing: the server", value: (f) => f?.processingCpuServer },
  { label: "W1 processing: both", value: (f) => sum(f?.processingCpuSelf, f?.processingCpuServer) },
  { label: "W2 progress: this process", value: (f) => f?.progressCpuSelf },
  { label: "W2 progress: the server", value: (f) => f?.progressCpuServer },
  { label: "W2 progress: both", value: (f) => sum(f?.progressCpuSelf, f?.progressCpuServer) },
];

/**
 * CPU (user + sys) per 1,000 jobs in the two processing rounds, beside jobs/s: on a shared machine a
 * store's jobs/s depends on what else runs, its CPU per job much less, and a store that needs less
 * CPU per job is faster on a quiet machine too. "This process" is process.cpuUsage() of the bench
 * child (engine, store client, handlers); "the server" is /proc/<pid>/stat utime + stime of
 * redis-server, or of the postmaster and its children (plus its cutime + cstime: backends that exited
 * during the round), read before and after the round (bench/engine/cpu.ts). Every session on the
 * server counts, so where other work uses the same server it is an upper bound; memory and SQLite
 * have no server (0). /proc counts in 10 ms ticks. "Both" is what one job costs the machine.
 */
export function cpuTable(results: ReadonlyMap<string, EngineFigures>): string {
  const names = [...results.keys()];
  const lines = [
    `| CPU per 1,000 jobs, ms (user + sys) | ${names.join(" | ")} |`,
    `|---|${names.map(() => "---:").join("|")}|`,
  ];
  for (const row of CPU_ROWS) {
    const cells = names.map((name) => format(row.value(results.get(name)), 0));
    lines.push(`| ${row.label} | ${cells.join(" | ")} |`);
  }
  lines.push(
    "",
    "this process: process.cpuUsage() of the bench child; the server: /proc utime+stime of redis-server, or of the postmaster",
    "and its children (+ cutime/cstime of exited backends), before and after the round; every session on the server counts.",
  );
  return lines.join("\n");
}

export function resultsTable(results: ReadonlyMap<string, EngineFigures>): string {
  const names = [...results.keys()];
  const lines = [
    `| workload | unit | ${names.join(" | ")} |`,
    `|---|---|${names.map(() => "---:").join("|")}|`,
  ];
  for (const row of ROWS) {
    const cells = names.map((name) => format(results.get(name)?.[row.key], row.digits));
    lines.push(`| ${row.label} | ${row.unit} | ${cells.join(" | ")} |`);
  }
  return lines.join("\n");
}

interface Goal {
  text: string;
  check: (r: ReadonlyMap<string, EngineFigures>) => { value: number; met: boolean } | null;
}

const ratio = (a: string, b: string, key: keyof EngineFigures) => (r: ReadonlyMap<string, EngineFigures>) => {
  const x = r.get(a)?.[key];
  const y = r.get(b)?.[key];
  return x === undefined || y === undefined ? null : x / y;
};

const atLeast = (value: number | null, min: number) => (value === null ? null : { value, met: value >= min });

const GOALS: readonly Goal[] = [
  {
    text: "sqlite NORMAL processing ≥ 2× BullMQ",
    check: (r) => atLeast(ratio("sqlite NORMAL", "BullMQ", "processing")(r), 2),
  },
  {
    text: "sqlite NORMAL W2 (progress) ≥ 5× BullMQ",
    check: (r) => atLeast(ratio("sqlite NORMAL", "BullMQ", "progressJobs")(r), 5),
  },
  {
    text: "memory processing ≥ 200,000 jobs/s",
    check: (r) => atLeast(r.get("memory")?.processing ?? null, 200_000),
  },
  {
    text: "sqlite NORMAL W3 p99 ≤ 3 ms",
    check: (r) => {
      const p99 = r.get("sqlite NORMAL")?.startP99;
      return p99 === undefined ? null : { value: p99, met: p99 <= 3 };
    },
  },
  {
    text: "sqlite NORMAL W4 reads ≥ 5× BullMQ",
    check: (r) => atLeast(ratio("sqlite NORMAL", "BullMQ", "reads")(r), 5),
  },
  {
    text: "redis processing ≥ 1.5× BullMQ",
    check: (r) => atLeast(ratio("redis", "BullMQ", "processing")(r), 1.5),
  },
  {
    text: "redis W2 (progress) ≥ 3× BullMQ",
    check: (r) => atLeast(ratio("redis", "BullMQ", "progressJobs")(r), 3),
  },
  {
    text: "postgres processing ≥ 1.5× graphile-worker",
    check: (r) => atLeast(ratio("postgres", "graphile-worker", "processing")(r), 1.5),
  },
  {
    text: "postgres W2 (progress) ≥ 5× graphile-worker",
    check: (r) => atLeast(ratio("postgres", "graphile-worker", "progressJobs")(r), 5),
  },
  ...["postgres", "redis"].map((name) => ({
    text: `${name} W3 p99 ≤ 10 ms`,
    check: (r: ReadonlyMap<string, EngineFigures>) => {
      const p99 = r.get(name)?.startP99;
      return p99 === undefined ? null : { value: p99, met: p99 <= 10 };
    },
  })),
];

/** Ratios to BullMQ for every target, and the goals with met / not met. */
export function ratiosAndGoals(results: ReadonlyMap<string, EngineFigures>): string {
  const lines: string[] = [];
  if (results.has("BullMQ")) {
    lines.push("| ratio to BullMQ | processing | W2 progress | W4 reads | enqueue single | enqueue bulk |");
    lines.push("|---|---:|---:|---:|---:|---:|");
    for (const name of results.keys()) {
      if (name === "BullMQ") continue;
      const keys: Array<keyof EngineFigures> = [
        "processing",
        "progressJobs",
        "reads",
        "enqueueSingle",
        "enqueueBulk",
      ];
      const cells = keys.map((key) => `${format(ratio(name, "BullMQ", key)(results) ?? Number.NaN, 1)}×`);
      lines.push(`| ${name} | ${cells.join(" | ")} |`);
    }
    lines.push("");
  }
  lines.push("| goal | measured | met |", "|---|---:|:---:|");
  for (const goal of GOALS) {
    const outcome = goal.check(results);
    lines.push(
      outcome === null
        ? `| ${goal.text} | not measured | — |`
        : `| ${goal.text} | ${format(outcome.value, outcome.value < 100 ? 2 : 0)} | ${outcome.met ? "yes" : "NO"} |`,
    );
  }
  return lines.join("\n");
}
