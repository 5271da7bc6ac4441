import type { ColumnMappingInput } from "@ledgerflow/books";
import type { ImportPreview } from "../domain/upload-mapping.js";
import { parseMappingField } from "../domain/upload-mapping.js";

interface Out {
  write(text: string): unknown;
}

const ROLES = ["date", "description", "payee", "amount", "debit", "credit", "marker", "balance", "category"];

/**
 * `--map date=0,amount=3,description=2` (0-based column numbers or header names; debit/credit for
 * money out/in), or the same as JSON. A wrong one fails with what to write instead.
 */
export function parseMapOption(text: string): ColumnMappingInput {
  const trimmed = text.trim();
  if (trimmed.startsWith("{")) return parseMappingField(trimmed);
  const entries: Record<string, number | string> = {};
  for (const part of trimmed.split(",")) {
    const [role, value] = part.split("=").map((s) => s.trim());
    if (!role || value === undefined || value === "" || !ROLES.includes(role)) {
      throw new Error(
        `--map: "${part}" is not role=column; write e.g. --map date=0,amount=3,description=2 (roles: ${ROLES.join(", ")})`,
      );
    }
    entries[role] = /^\d+$/.test(value) ? Number(value) : value;
  }
  return parseMappingField(JSON.stringify(entries));
}

const clip = (text: string, width: number) => (text.length > width ? `${text.slice(0, width - 1)}…` : text);

/** The preview as a terminal table: column numbers, names, the first rows, the reading and what to type. */
export function printPreview(preview: ImportPreview, out: Out): void {
  const widths = preview.columns.map((c) =>
    Math.min(
      24,
      Math.max(
        String(c.index).length + 2,
        c.name.length,
        ...preview.rows.map((r) => (r.cells[c.index] ?? "").length),
      ),
    ),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => clip(cell, widths[i]!).padEnd(widths[i]!))
      .join("  ")
      .trimEnd();
  out.write(`${preview.filename}: not sure which columns are which, so nothing was imported yet.\n`);
  for (const reason of preview.reasons) out.write(`  - ${reason}\n`);
  out.write("\n");
  out.write(`${line(preview.columns.map((c) => `#${c.index}`))}\n`);
  if (preview.headers.length > 0) out.write(`${line(preview.columns.map((c) => c.name))}\n`);
  for (const row of preview.rows.slice(0, 8))
    out.write(`${line(preview.columns.map((c) => row.cells[c.index] ?? ""))}\n`);
  out.write(`\nBest reading: ${preview.label}.\n`);
  preview.alternatives.forEach((a, i) => {
    out.write(`Alternative ${i + 1}: ${a.label}.\n`);
  });
  const m = preview.mapping;
  const parts = [`date=${m.date}`];
  if (m.description !== null) parts.push(`description=${m.description}`);
  if (m.amount !== null) parts.push(`amount=${m.amount}`);
  if (m.debit !== null) parts.push(`debit=${m.debit}`);
  if (m.credit !== null) parts.push(`credit=${m.credit}`);
  if (m.marker !== null) parts.push(`marker=${m.marker}`);
  out.write(
    `\nConfirm or correct the columns and run again with, for example:\n  --map ${parts.join(",")}\n(the numbers after # above, counted from 0; debit = money out, credit = money in; the mapping is remembered for files of this shape.)\n`,
  );
}

/** What the import did, with the file's own closing balance beside the sum of its rows. */
export function printImportSummary(result: unknown, out: Out): void {
  const r = (result ?? {}) as Record<string, unknown>;
  const num = (k: string) => (typeof r[k] === "number" ? (r[k] as number) : 0);
  out.write(
    `Done: parsed ${num("parsed")}, inserted ${num("inserted")}, duplicates ${num("duplicates")}, invalid ${num("invalid")}, skipped ${num("skipped_lines")}; categorized ${num("categorized")}, journal entries ${num("je_created")}.\n`,
  );
  const skipped = Array.isArray(r.skipped) ? (r.skipped as Array<{ line: number; reason: string }>) : [];
  for (const s of skipped.slice(0, 10)) out.write(`  skipped line ${s.line}: ${s.reason}\n`);
  const sum = `Sum of the file's transactions: ${String(r.sum_of_amounts ?? "0.00")}`;
  const verified = (r.amounts as { balance_verified?: boolean } | undefined)?.balance_verified;
  if (typeof r.closing_balance === "string") {
    const check = verified ? "every row's running balance adds up" : "not checked row by row";
    out.write(`${sum}; the file's closing balance: ${r.closing_balance} (${check}).\n`);
  } else out.write(`${sum}.\n`);
}
