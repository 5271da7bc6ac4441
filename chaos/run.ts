// `npm run test:chaos [-- scenario…]`: the long reliability suite. Each scenario prints its figures;
// the run ends with one table and exits 1 if any scenario broke a guarantee. Traffic stays on
// 127.0.0.1; every loop is bounded in count and time. Sizes can be scaled down with CHAOS_SCALE.
import { runBadInput } from "./scenarios/bad-input.js";
import { runCrash } from "./scenarios/crash.js";
import { runLoad } from "./scenarios/load.js";
import { runRestart } from "./scenarios/restart.js";
import { runUploads, type UploadsReport } from "./scenarios/uploads.js";

/** 1 = the documented run (5,000 jobs, 10,000 fuzz cases, 60 s of load); 0.1 for a quick try. */
const SCALE = Number(process.env.CHAOS_SCALE ?? 1);
const n = (full: number) => Math.max(1, Math.round(full * SCALE));

type Outcome = { name: string; ok: boolean; figures: Record<string, unknown> };

const crash = (store: "sqlite" | "postgres" | "redis") => async (): Promise<Outcome> => {
  const r = await runCrash({
    store,
    jobs: Number(process.env.CHAOS_JOBS ?? 0) || n(store === "sqlite" ? 5000 : 2000),
    workers: 3,
    killEveryMs: 4000,
    leaseMs: 5000,
    chaosMs: 75_000,
    drainMs: 90_000,
    companies: 10,
  });
  if ("skipped" in r)
    return { name: `crash-${store}`, ok: process.env.CI !== "true", figures: { skipped: r.skipped } };
  const ok =
    r.notComplete === 0 &&
    r.duplicatedTransactions === 0 &&
    r.missingTransactions === 0 &&
    r.duplicatedEntries === 0 &&
    r.missingEntries === 0 &&
    r.wrongResults === 0;
  return { name: `crash-${store}`, ok, figures: { ...r } };
};

/**
 * Twenty 20,000-row uploads (flows of 2,500-row chunks) on 3 worker processes of one slot each: once
 * without kills (the reference wall time), then with a SIGKILL every 4 s.
 */
const uploads = (store: "sqlite" | "postgres") => async (): Promise<Outcome> => {
  const base = {
    store,
    uploads: n(20),
    rowsPerUpload: 20_000,
    workers: 3,
    concurrency: 1,
    leaseMs: 5000,
    timeLimitMs: 600_000,
    companies: 4,
  };
  const calm = await runUploads({ ...base, killEveryMs: 0 });
  if ("skipped" in calm)
    return { name: `uploads-${store}`, ok: process.env.CI !== "true", figures: { skipped: calm.skipped } };
  const killed = await runUploads({ ...base, killEveryMs: 4000 });
  if ("skipped" in killed)
    return { name: `uploads-${store}`, ok: false, figures: { skipped: killed.skipped } };
  const sound = (r: UploadsReport) =>
    r.finished === r.uploads &&
    r.wrongResults === 0 &&
    r.missingTransactions === 0 &&
    r.duplicatedTransactions === 0 &&
    r.duplicatedEntries === 0 &&
    r.missingEntries === 0;
  const { examples, ...figures } = killed;
  return {
    name: `uploads-${store}`,
    ok: sound(calm) && sound(killed),
    figures: {
      ...figures,
      calmSeconds: calm.seconds,
      wallVsCalm: Math.round((killed.seconds / calm.seconds) * 100) / 100,
      calmReruns: calm.chunkReruns,
      examples: [...calm.examples.map((e) => `calm: ${e}`), ...examples],
    },
  };
};

const SCENARIOS: Record<string, () => Promise<Outcome>> = {
  "crash-sqlite": crash("sqlite"),
  "crash-postgres": crash("postgres"),
  "crash-redis": crash("redis"),
  "uploads-sqlite": uploads("sqlite"),
  "uploads-postgres": uploads("postgres"),
  restart: async () => {
    const r = await runRestart({ uploads: 20, timeLimitMs: 120_000 });
    return {
      name: "restart",
      ok: r.finished === r.uploads && r.duplicatedTransactions === 0,
      figures: { ...r },
    };
  },
  load: async () => {
    const r = await runLoad({ clients: n(500), enqueuesPerSecond: 50, seconds: Math.max(5, n(60)) });
    return { name: "load", ok: r.errors === 0, figures: { ...r } };
  },
  "bad-input": async () => {
    const r = await runBadInput({ csvFiles: n(10_000), jsonBodies: n(10_000) });
    return {
      name: "bad-input",
      ok: r.serverErrors === 0 && r.unclearRejections === 0 && r.badJobs === 0,
      figures: { ...r },
    };
  },
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith("-"));
const names = wanted.length ? wanted : Object.keys(SCENARIOS);
const unknown = names.filter((name) => !SCENARIOS[name]);
if (unknown.length) {
  console.error(`Unknown scenario ${unknown.join(", ")}; choose from: ${Object.keys(SCENARIOS).join(", ")}`);
  process.exit(2);
}

const outcomes: Outcome[] = [];
const started = Date.now();
for (const name of names) {
  const t0 = Date.now();
  console.log(`\n▶ ${name}`);
  try {
    const outcome = await SCENARIOS[name]?.();
    if (outcome) {
      outcomes.push(outcome);
      console.log(
        `${outcome.ok ? "✓" : "✗"} ${name} (${Math.round((Date.now() - t0) / 1000)} s)`,
        outcome.figures,
      );
    }
  } catch (error) {
    outcomes.push({ name, ok: false, figures: { error: (error as Error).stack ?? String(error) } });
    console.log(`✗ ${name} threw`, error);
  }
}

console.log(`\nChaos suite: ${Math.round((Date.now() - started) / 1000)} s, scale ${SCALE}`);
for (const o of outcomes) {
  const figures = Object.entries(o.figures)
    .filter(([k, v]) => k !== "examples" && typeof v !== "object")
    .map(([k, v]) => `${k}=${v}`)
    .join(" ");
  console.log(`${o.ok ? "ok    " : "FAILED"} ${o.name.padEnd(15)} ${figures}`);
}
process.exit(outcomes.every((o) => o.ok) ? 0 : 1);
