/**
 * Scores the importer on a folder of bank exports with a manifest.json: each file is imported
 * with no mapping, as a new user would, and its outcome is one of
 * - exact: imported, and the row count, the net sum and the first/last dates are the manifest's;
 * - asked: the importer wanted a person to confirm the columns (low confidence);
 * - refused: the importer said the file cannot be imported;
 * - wrong: imported with another count, net or dates — books silently wrong, the worst outcome.
 * Asking or refusing is right only where the manifest marks the file ambiguous.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CsvFormatError } from "./errors.js";
import { inspectCsv, parseBankCsv } from "./parse.js";

export interface ManifestEntry {
  file: string;
  country?: string;
  rows: number;
  net_cents: number;
  first_date: string | null;
  last_date: string | null;
  ambiguous: boolean;
}

export type Outcome = "exact" | "asked" | "refused" | "wrong";

export interface FileScore {
  file: string;
  outcome: Outcome;
  /** Asked or refused where the manifest does not allow it, or wrong. */
  failed: boolean;
  detail: string;
}

export interface CorpusScore {
  files: FileScore[];
  counts: Record<Outcome, number>;
  countries: number;
  failed: number;
}

/** Imports one file as an upload would (inspect, then parse) and says how it went. */
export async function scoreFile(bytes: Uint8Array, entry: ManifestEntry, now?: Date): Promise<FileScore> {
  const options = now ? { now } : {};
  const verdict = (outcome: Outcome, detail: string): FileScore => ({
    file: entry.file,
    outcome,
    failed: outcome === "wrong" || (outcome !== "exact" && !entry.ambiguous),
    detail,
  });
  try {
    const inspection = await inspectCsv(bytes, options);
    if (inspection.inference?.needsMapping) return verdict("asked", inspection.inference.reasons.join(" "));
    const result = await parseBankCsv(bytes, options);
    const net = result.rows.reduce((sum, r) => sum + r.amountCents, 0);
    const dates = result.rows.map((r) => r.date).sort();
    const got = {
      rows: result.rows.length,
      net_cents: net,
      first_date: dates[0] ?? null,
      last_date: dates.at(-1) ?? null,
    };
    const exact =
      result.errors.length === 0 &&
      got.rows === entry.rows &&
      got.net_cents === entry.net_cents &&
      got.first_date === entry.first_date &&
      got.last_date === entry.last_date;
    const errors =
      result.errors.length > 0 ? `, ${result.errors.length} row errors (${result.errors[0]!.message})` : "";
    return verdict(exact ? "exact" : "wrong", `${JSON.stringify(got)}${errors}`);
  } catch (error) {
    if (error instanceof CsvFormatError) return verdict("refused", error.message);
    throw error;
  }
}

export async function scoreCorpus(dir: string, now?: Date): Promise<CorpusScore> {
  const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as { files: ManifestEntry[] };
  const files: FileScore[] = [];
  for (const entry of manifest.files) {
    files.push(await scoreFile(new Uint8Array(readFileSync(join(dir, entry.file))), entry, now));
  }
  const counts: Record<Outcome, number> = { exact: 0, asked: 0, refused: 0, wrong: 0 };
  for (const f of files) counts[f.outcome]++;
  const countries = new Set(manifest.files.map((f) => f.country).filter(Boolean)).size;
  return { files, counts, countries, failed: files.filter((f) => f.failed).length };
}

/** `import-eval DIR [--verbose]`: prints the score; exit code 1 when any file failed. */
export async function main(argv: string[]): Promise<number> {
  const verbose = argv.includes("--verbose");
  const dirs = argv.filter((a) => !a.startsWith("--"));
  if (dirs.length === 0) {
    process.stderr.write("Usage: import-eval DIR [DIR...] [--verbose]  (each DIR holds manifest.json)\n");
    return 2;
  }
  let failed = 0;
  for (const dir of dirs) {
    const score = await scoreCorpus(dir);
    for (const f of score.files) {
      if (verbose || f.failed) {
        const mark = f.failed ? "FAIL" : "ok  ";
        process.stdout.write(`${mark} ${f.outcome.padEnd(7)} ${f.file}  ${f.detail}\n`);
      }
    }
    const { exact, asked, refused, wrong } = score.counts;
    process.stdout.write(
      `${dir}: ${score.files.length} files, ${score.countries} countries — exact ${exact}, asked ${asked}, refused ${refused}, wrong ${wrong}; failed ${score.failed}\n`,
    );
    failed += score.failed;
  }
  return failed > 0 ? 1 : 0;
}
