/**
 * `npm run test:soak -- --minutes N [--rate 200] [--stores sqlite,postgres]` (not in CI): mixed tasks
 * (no-op, progress, retried, concurrency- and rate-limited) at `rate` jobs/s on each store, each in
 * its own process; RSS, heap and open handles every minute; at the end the growth after warm-up and
 * an SVG plot of RSS over time (docs/img/soak-rss-<stores>.svg). Goal: RSS < 10 % growth after warm-up (minute
 * 5 on), no growing handle count.
 */
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";

interface Sample {
  minute: number;
  rss: number;
  heapUsed: number;
  handles: number;
  done: number;
  failed: number;
  pending: number;
}

const args = process.argv.slice(2);
const flag = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? (args[i + 1] as string) : fallback;
};
const minutes = Number(flag("minutes", "5"));
const rate = Number(flag("rate", "200"));
const stores = flag("stores", "sqlite,postgres").split(",");
if (!(minutes >= 2)) {
  console.error("--minutes must be at least 2 (minute 1 is warm-up).");
  process.exit(2);
}
const WARM_UP_MINUTES = 5;
const CHILD = fileURLToPath(new URL("./child.ts", import.meta.url));
const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

function run(store: string): Promise<Sample[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", CHILD, store, String(minutes), String(rate)], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const samples: Sample[] = [];
    let buffer = "";
    child.stdout.on("data", (chunk: Buffer) => {
      buffer += chunk.toString("utf8");
      for (let nl = buffer.indexOf("\n"); nl >= 0; nl = buffer.indexOf("\n")) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (!line.startsWith("{")) continue;
        const sample = JSON.parse(line) as Sample;
        samples.push(sample);
        console.log(
          `${store} minute ${sample.minute}: rss ${mb(sample.rss)} MB, heap ${mb(sample.heapUsed)} MB, handles ${sample.handles}, done ${sample.done}, failed ${sample.failed}, pending ${sample.pending}, load ${loadavg()[0]?.toFixed(2)}`,
        );
      }
    });
    child.on("exit", (code) =>
      code === 0 ? resolve(samples) : reject(new Error(`${store} soak exited with ${code}`)),
    );
  });
}

function plot(series: Record<string, Sample[]>): string {
  const width = 640;
  const height = 240;
  const pad = 40;
  const all = Object.values(series).flat();
  const maxRss = Math.max(...all.map((s) => s.rss)) * 1.1;
  const colors = ["#1f6feb", "#d1242f", "#1a7f37"];
  const x = (minute: number) => pad + (minute / minutes) * (width - 2 * pad);
  const y = (rss: number) => height - pad - (rss / maxRss) * (height - 2 * pad);
  const lines = Object.entries(series).map(([name, samples], i) => {
    const points = samples.map((s) => `${x(s.minute).toFixed(1)},${y(s.rss).toFixed(1)}`).join(" ");
    return `<polyline fill="none" stroke="${colors[i % 3]}" stroke-width="2" points="${points}"/><text x="${width - pad - 90}" y="${pad + 16 * i}" fill="${colors[i % 3]}" font-size="12">${name}</text>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif"><title>RSS of the soak run over time</title>
<rect width="100%" height="100%" fill="white"/>
<text x="${pad}" y="20" font-size="13">RSS over ${minutes} minutes at ${rate} jobs/s (MB)</text>
<line x1="${pad}" y1="${height - pad}" x2="${width - pad}" y2="${height - pad}" stroke="#888"/>
<line x1="${pad}" y1="${pad}" x2="${pad}" y2="${height - pad}" stroke="#888"/>
<text x="${pad - 4}" y="${y(0)}" font-size="11" text-anchor="end">0</text>
<text x="${pad - 4}" y="${y(maxRss / 1.1)}" font-size="11" text-anchor="end">${mb(maxRss / 1.1)}</text>
<text x="${width - pad}" y="${height - pad + 16}" font-size="11" text-anchor="end">${minutes} min</text>
${lines.join("\n")}
</svg>
`;
}

console.log(
  `soak: ${stores.join(", ")} for ${minutes} min at ${rate} jobs/s each; load ${loadavg()[0]?.toFixed(2)}`,
);
const results = await Promise.all(stores.map(async (store) => [store, await run(store)] as const));
const series = Object.fromEntries(results);
console.log(
  "\n| store | RSS after warm-up (MB) | RSS end (MB) | growth after warm-up | heap end (MB) | handles after warm-up → end | jobs done | failed |",
);
console.log("|---|---:|---:|---:|---:|---:|---:|---:|");
for (const [store, samples] of results) {
  // Warm-up: the jobs table and the SQLite page cache grow until the 2-minute retention and the
  // sweeper balance the enqueues, about 5 minutes in; growth is measured from there.
  const warm = samples.find((s) => s.minute === Math.min(WARM_UP_MINUTES, minutes - 1)) ?? samples[0];
  const end = samples[samples.length - 1];
  if (warm === undefined || end === undefined) continue;
  const growth = ((end.rss - warm.rss) / warm.rss) * 100;
  console.log(
    `| ${store} | ${mb(warm.rss)} | ${mb(end.rss)} | ${growth.toFixed(1)} % | ${mb(end.heapUsed)} | ${warm.handles} → ${end.handles} | ${end.done} | ${end.failed} |`,
  );
}
mkdirSync(new URL("../docs/img/", import.meta.url), { recursive: true });
const plotFile = `docs/img/soak-rss-${stores.join("-")}.svg`;
writeFileSync(new URL(`../${plotFile}`, import.meta.url), plot(series));
console.log(`\nplot written to ${plotFile}`);
