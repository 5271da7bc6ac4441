import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withoutSourceCondition } from "../../scripts/source-condition.mjs";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const workspaceModule = (name: string) => realpathSync(path.join(ROOT, "node_modules", name));
const versionOf = (name: string) =>
  (JSON.parse(readFileSync(path.join(workspaceModule(name), "package.json"), "utf8")) as { version: string })
    .version;

interface Packed {
  name: string;
  version: string;
  tarball: string;
}

// What a user's shell has: no source condition, so the installed packages load their dist/.
const env = { ...process.env, NODE_OPTIONS: withoutSourceCondition(process.env.NODE_OPTIONS) };
let work = "";
let app = "";
let packed: Packed[] = [];

function node(args: string[]) {
  const run = spawnSync(process.execPath, args, { cwd: app, env, encoding: "utf8", timeout: 90_000 });
  if (run.status !== 0)
    throw new Error(`node ${args.join(" ")} exited ${run.status}:\n${run.stdout}\n${run.stderr}`);
  return run.stdout;
}

/**
 * The published packages as a new app gets them: `npm pack` tarballs (built first), installed with
 * npm into a folder outside the workspace, their dependencies from the registry (or npm's cache).
 * Only better-sqlite3 (and type packages) are linked from the workspace: compiling the native driver
 * again would take minutes, and it is the app's own dependency, not ours.
 */
beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), "ledgerflow-pack-"));
  const out = execFileSync(
    process.execPath,
    [path.join(ROOT, "scripts/pack.mjs"), path.join(work, "tarballs")],
    {
      cwd: ROOT,
      env,
      encoding: "utf8",
    },
  );
  packed = JSON.parse(out.trim().split("\n").at(-1) ?? "[]") as Packed[];
  app = path.join(work, "app");
  mkdirSync(app);
  cpSync(fileURLToPath(new URL("./consumer", import.meta.url)), app, { recursive: true });
  const dependencies = Object.fromEntries(packed.map((p) => [p.name, `file:${p.tarball}`]));
  const linked = ["better-sqlite3", "@types/better-sqlite3", "@types/node", "@types/react"];
  for (const name of linked) dependencies[name] = `file:${workspaceModule(name)}`;
  // The optional peers of @ledgerflow/jobs/http, from the registry at the workspace's versions.
  for (const name of ["hono", "@hono/zod-openapi", "zod"]) dependencies[name] = versionOf(name);
  writeFileSync(
    path.join(app, "package.json"),
    `${JSON.stringify({ name: "consumer", private: true, type: "commonjs", dependencies }, null, 2)}\n`,
  );
  execFileSync(
    "npm",
    ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"],
    { cwd: app, env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
  );
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("the npm pack tarballs, installed in a new app outside the workspace", () => {
  it("are the three published packages, each with its dist, sources, README and LICENSE and no tests", () => {
    expect(packed.map((p) => p.name).sort()).toEqual([
      "@ledgerflow/books",
      "@ledgerflow/jobs",
      "@ledgerflow/jobs-react",
    ]);
    for (const { tarball } of packed) {
      const files = execFileSync("tar", ["-tzf", tarball], { encoding: "utf8" }).split("\n");
      expect(files).toEqual(
        expect.arrayContaining([
          "package/package.json",
          "package/README.md",
          "package/LICENSE",
          "package/dist/index.js",
          "package/dist/index.d.ts",
          "package/src/index.ts",
        ]),
      );
      expect(files.filter((f) => /\.test\.|\/test\/|tsbuildinfo/.test(f))).toEqual([]);
    }
  });

  it("run, from ES modules in plain JavaScript, the app's own task and the books' categorize task on SQLite, and serve the job API", () => {
    const report = JSON.parse(node(["esm.mjs"])) as {
      own: { status: string; progress: number; result: unknown };
      books: { status: string; progress: number; result: Record<string, unknown> };
      http: { id: boolean; status: string; result: unknown };
      react: string[];
      styles: string;
    };
    expect(report.own).toEqual({ status: "complete", progress: 100, result: { doubled: 42 } });
    expect(report.books.status).toBe("complete");
    expect(report.books.progress).toBe(100);
    // The demo's rules categorize part of the sample bank export (data files shipped in the tarball).
    expect(report.books.result.journal_entries_created).toBeGreaterThan(0);
    expect(report.http).toEqual({ id: true, status: "complete", result: { doubled: 42 } });
    expect(report.react).toEqual(["function", "function"]);
    expect(report.styles).toMatch(/node_modules\/@ledgerflow\/jobs-react\/dist\/styles\.css$/);
  });

  it("run a job from CommonJS through require(), sharing one module instance with import()", () => {
    const report = JSON.parse(node(["cjs.cjs"])) as { status: string; result: unknown; sameModule: boolean };
    expect(report).toEqual({ status: "complete", result: { echoed: "from require" }, sameModule: true });
  });

  it("ship .d.ts files that type-check in a strict TypeScript app with skipLibCheck off", () => {
    const tsc = path.join(ROOT, "node_modules/typescript/bin/tsc");
    const run = spawnSync(process.execPath, [tsc, "-p", "tsconfig.json"], {
      cwd: app,
      env,
      encoding: "utf8",
    });
    expect(run.stdout + run.stderr).toBe("");
    expect(run.status).toBe(0);
  });
});
