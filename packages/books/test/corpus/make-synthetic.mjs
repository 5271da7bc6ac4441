#!/usr/bin/env node
// Writes test/corpus/synthetic/ from the real exports in test/corpus/real/: the same transactions
// in shapes banks also produce — no header, columns reordered, headers in other languages with their
// number formats, summary rows above and below, TAB-separated with in/out columns and Windows-1252
// bytes. Expected values come from the real manifest (the transactions do not change). Deterministic;
// run `node packages/books/test/corpus/make-synthetic.mjs` after changing it and commit the output.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const realDir = join(here, "real");
const outDir = join(here, "synthetic");
const real = JSON.parse(readFileSync(join(realDir, "manifest.json"), "utf8"));
const expected = new Map(real.files.map((f) => [f.file, f]));

/** Quote-aware split of one CSV text into records of fields (enough for these files). */
function parse(text, delimiter) {
  const records = [];
  let fields = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"' && (text[i + 1] === delimiter || text[i + 1] === "\n" || i + 1 === text.length)) {
        quoted = false;
      } else field += ch;
    } else if (ch === '"' && field.trim() === "") {
      quoted = true;
      field = "";
    } else if (ch === delimiter) {
      fields.push(field);
      field = "";
    } else if (ch === "\n") {
      fields.push(field);
      records.push(fields);
      fields = [];
      field = "";
    } else if (ch !== "\r") field += ch;
  }
  if (field !== "" || fields.length > 0) records.push([...fields, field]);
  return records.filter((r) => r.some((f) => f.trim() !== ""));
}

function write(records, delimiter) {
  const cell = (f) => (f.includes(delimiter) || f.includes('"') ? `"${f.replaceAll('"', '""')}"` : f);
  return `${records.map((r) => r.map(cell).join(delimiter)).join("\n")}\n`;
}

/** Reads a real file; `header` is the index of its header record (null when it has none). */
function load(file, delimiter, header, encoding = "utf-8") {
  const text = new TextDecoder(encoding).decode(readFileSync(join(realDir, file)));
  const records = parse(text, delimiter);
  return header === null
    ? { head: null, rows: records }
    : { head: records[header], rows: records.slice(header + 1) };
}

const files = [];
function emit(name, content, source, notes, overrides = {}) {
  const path = join(outDir, name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  const base = expected.get(source);
  const { file: _f, source: _s, licence, ...facts } = base;
  files.push({ ...facts, file: name, derived_from: `real/${source}`, licence, variant: notes, ...overrides });
}

const ambiguous = (why) => ({ ambiguous: true, note: why });

// 1. No header: every language's header removed (the preamble with it).
const noHeader = [
  ["de-ing-without-balance.csv", ";", 9],
  ["de-ing-with-balance-2.csv", ";", 9],
  ["at-oberbank.csv", ";", 0],
  ["at-ing-diba.csv", ";", 0],
  ["nl-knab.csv", ";", 1],
  ["nl-ing.csv", ",", 0],
  ["gb-lloyds.csv", ",", 0],
  ["lt-swedbank.csv", ",", 0],
  ["lt-revolut-2021-10.csv", ",", 0],
  ["ee-seb.csv", ";", 0],
  ["us-chase-checking.csv", ",", 0],
  ["us-dcu-checking.csv", ",", 0],
  ["be-fintro.csv", ";", 0],
  ["it-bancoposta.csv", ",", 0],
];
/** The file's own text from the line after its header on, byte for byte (quirks included). */
function afterHeader(file, header) {
  const bytes = readFileSync(join(realDir, file));
  const text = new TextDecoder("latin1").decode(bytes);
  const lines = text.split("\n");
  let seen = -1;
  const start = lines.findIndex((l) => l.trim() !== "" && ++seen === header);
  return Uint8Array.from(lines.slice(start + 1).join("\n"), (ch) => ch.charCodeAt(0));
}
for (const [file, , header] of noHeader) {
  const overrides =
    file === "it-bancoposta.csv"
      ? ambiguous("debit and credit columns with no header and no balance: nothing says which is money out")
      : file === "at-ing-diba.csv"
        ? ambiguous("Soll/Haben columns (one of them 0,00 on every row) with no header and no balance")
        : {};
  emit(`no-header/${file}`, afterHeader(file, header), file, "header and preamble removed", overrides);
}

// 2. Columns reordered (reversed), header kept.
for (const [file, delimiter, header] of [
  ["de-ing-with-balance-2.csv", ";", 9],
  ["gb-lloyds.csv", ",", 0],
  ["us-dcu-checking.csv", ",", 0],
  ["ee-seb.csv", ";", 0],
  ["at-ing-diba.csv", ";", 0],
  ["lt-revolut-2018-04.csv", ";", 0],
]) {
  const { head, rows } = load(file, delimiter, header);
  const width = Math.max(head.length, ...rows.map((r) => r.length));
  const pad = (r) => Array.from({ length: width }, (_, i) => r[i] ?? "");
  const reversed = [pad(head).reverse(), ...rows.map((r) => pad(r).reverse())];
  emit(`reordered/${file}`, write(reversed, delimiter), file, "columns in reverse order");
}

// 3. Headers in other languages, with that country's number and date formats; no balance column,
// so only the header's words can tell money out from money in.
const lloyds = load("gb-lloyds.csv", ",", 0).rows;
const euro = (text, thousands, decimal) => {
  if (text.trim() === "") return "";
  const [whole, fraction = "00"] = Number(text).toFixed(2).split(".");
  return `${whole.replace(/\B(?=(\d{3})+(?!\d))/g, thousands)}${decimal}${fraction}`;
};
const languages = [
  ["fr", ["Date de l'opération", "Date de valeur", "Libellé", "Débit", "Crédit"], ";", "'", ",", "dmy/"],
  ["de", ["Buchungstag", "Valuta", "Buchungstext", "Soll", "Haben"], ";", ".", ",", "dmy."],
  ["es", ["Fecha operación", "Fecha valor", "Concepto", "Cargo", "Abono"], ";", ".", ",", "dmy/"],
  ["it", ["Data operazione", "Data valuta", "Descrizione", "Addebiti", "Accrediti"], ";", ".", ",", "dmy/"],
  ["nl", ["Boekdatum", "Valutadatum", "Omschrijving", "Af", "Bij"], ";", ".", ",", "dmy-"],
  ["pt", ["Data", "Data valor", "Descrição", "Débito", "Crédito"], ";", " ", ",", "dmy-"],
  ["pl", ["Data operacji", "Data waluty", "Opis operacji", "Obciążenia", "Uznania"], ";", " ", ",", "ymd-"],
  ["cs", ["Datum zaúčtování", "Datum valuty", "Popis", "Výdaj", "Příjem"], ";", " ", ",", "dmy1"],
  ["hu", ["Könyvelés dátuma", "Értéknap", "Közlemény", "Terhelés", "Jóváírás"], ";", " ", ",", "ymd."],
  ["sv", ["Bokföringsdag", "Valutadag", "Text", "Uttag", "Insättning"], ";", " ", ",", "ymd-"],
  ["fi", ["Kirjauspäivä", "Arvopäivä", "Selitys", "Nosto", "Pano"], ";", " ", ",", "dmy."],
  ["en", ["Date", "Value date", "Description", "Money out", "Money in"], ",", ",", ".", "dmy/"],
];
const formatDate = (dmy, style) => {
  const [d, m, y] = dmy.split("/");
  if (style === "dmy1") return `${Number(d)}.${Number(m)}.${y}`;
  if (style.startsWith("ymd")) return style === "ymd." ? `${y}.${m}.${d}.` : `${y}-${m}-${d}`;
  return [d, m, y].join(style.slice(3));
};
for (const [lang, header, delimiter, thousands, decimal, dateStyle] of languages) {
  const rows = lloyds.map((r) => [
    formatDate(r[0], dateStyle),
    formatDate(r[0], dateStyle),
    r[4].trim(),
    euro(r[5], thousands, decimal),
    euro(r[6], thousands, decimal),
  ]);
  emit(
    `translated/${lang}-lloyds.csv`,
    write([header, ...rows], delimiter),
    "gb-lloyds.csv",
    `headers in ${lang}, ${delimiter === ";" ? "semicolons" : "commas"}, thousands "${thousands}", decimal "${decimal}", balance column removed`,
    { closing_balance_cents: undefined },
  );
}
// The same, with the header's words removed as well: nothing then says which column is money out.
emit(
  "translated/no-words-lloyds.csv",
  write(
    lloyds.map((r) => [r[0], r[4].trim(), euro(r[5], ".", ","), euro(r[6], ".", ",")]),
    ";",
  ),
  "gb-lloyds.csv",
  "no header, debit and credit columns, no balance",
  { ...ambiguous("an in/out pair with no header and no balance"), closing_balance_cents: undefined },
);

// 4. Summary rows above and below the transactions (dated, so only their words and shape tell).
/** The real file with extra records: `above` before its header, `top` and `bottom` around its rows. */
function withSummaries(name, file, delimiter, header, { above = [], top = [], bottom = [] }, notes) {
  const { head, rows } = load(file, delimiter, header);
  const line = (cells) => head.map((_, i) => cells[i] ?? "");
  const records = [...above.map(line), head, ...top.map(line), ...rows, ...bottom.map(line)];
  emit(`summary-rows/${name}`, write(records, delimiter), file, notes);
}
withSummaries(
  "gb-lloyds.csv",
  "gb-lloyds.csv",
  ",",
  0,
  {
    above: [
      ["Lloyds Bank", "Statement"],
      ["Account", "1515152252"],
    ],
    top: [["15/01/2024", "", "", "", "Closing balance", "", "", "2040.59"]],
    bottom: [
      ["01/12/2023", "", "", "", "Opening balance", "", "", "6043.70"],
      [],
      ["", "", "", "", "Total", "5998.99", "2000.00", ""],
    ],
  },
  "preamble, closing balance above, opening balance, blank line and totals below",
);
withSummaries(
  "de-ing.csv",
  "de-ing-with-balance-2.csv",
  ";",
  9,
  {
    top: [["28.12.2018", "28.12.2018", "", "", "Endsaldo", "150,00", "EUR", "", "EUR"]],
    bottom: [
      ["09.12.2018", "09.12.2018", "", "", "Anfangssaldo", "328,60", "EUR", "", "EUR"],
      ["Summe", "", "", "", "", "", "", "-178,60", "EUR"],
    ],
  },
  "Endsaldo above, Anfangssaldo and Summe below",
);
withSummaries(
  "us-chase.csv",
  "us-chase-checking.csv",
  ",",
  0,
  {
    above: [["", "3/18/2016", "Ending balance", "", "", "3409.86"]],
    bottom: [["", "3/4/2016", "Beginning balance", "", "", "4900.02"]],
  },
  "ending balance above the header, beginning balance below",
);

// 5. TAB-separated, no header, in/out columns instead of a signed amount, Windows-1252 bytes.
const cp1252 = (text) => {
  const bytes = [];
  for (const ch of text) bytes.push(ch.charCodeAt(0) < 256 ? ch.charCodeAt(0) : 0x3f);
  return new Uint8Array(bytes);
};
const split = (amount) => (amount.startsWith("-") ? [amount.slice(1), ""] : ["", amount]);
{
  const { rows } = load("us-chase-checking.csv", ",", 0);
  const withBalance = rows.map((r, i) => [
    r[1],
    `${r[2]}${i % 2 ? " Café Zürich" : ""}`,
    ...split(r[3]),
    r[5],
  ]);
  emit(
    "tab-in-out/us-chase-balance.tsv",
    cp1252(write(withBalance, "\t")),
    "us-chase-checking.csv",
    "TAB, no header, out/in columns, running balance, Windows-1252 bytes (invalid UTF-8)",
  );
  emit(
    "tab-in-out/us-chase-no-balance.tsv",
    cp1252(
      write(
        withBalance.map((r) => r.slice(0, 4)),
        "\t",
      ),
    ),
    "us-chase-checking.csv",
    "TAB, no header, out/in columns, no balance, Windows-1252 bytes",
    { ...ambiguous("an in/out pair with no header and no balance"), closing_balance_cents: undefined },
  );
}
{
  const { rows } = load("de-ing-with-balance.csv", ";", 9, "windows-1252");
  const recs = rows.map((r) => [r[0], r[2], r[4], ...split(r[7]), r[5]]);
  emit(
    "tab-in-out/de-ing-balance.tsv",
    cp1252(write(recs, "\t")),
    "de-ing-with-balance.csv",
    "TAB, no header, out/in columns, running balance (newest first), Windows-1252 umlauts",
  );
}

writeFileSync(
  join(outDir, "manifest.json"),
  `${JSON.stringify(
    {
      description:
        "Synthetic variants of the real exports, written by make-synthetic.mjs: same transactions, other shapes. Expected values are the real file's.",
      files,
    },
    null,
    2,
  )}\n`,
);
console.log(`${files.length} synthetic files in ${outDir}`);
rmSync(join(outDir, ".tmp"), { recursive: true, force: true });
