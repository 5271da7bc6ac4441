#!/usr/bin/env node
// Trains the built-in prior categorizer and writes packages/books/data/prior-model.json (deterministic).
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { register } from "tsx/esm/api";

register();
const { buildPriorArtefact } = await import("../src/categorize/prior/build.ts");
const { PRIOR_ARTEFACT_PATH } = await import("../src/categorize/prior/model.ts");
const labeledPath = fileURLToPath(new URL("../data/labeled-transactions.csv", import.meta.url));
const artefact = buildPriorArtefact(
  readFileSync(labeledPath, "utf8"),
  "packages/books/data/labeled-transactions.csv",
);
const text = `${JSON.stringify(artefact)}\n`;
writeFileSync(PRIOR_ARTEFACT_PATH, text);
console.log(
  `wrote ${PRIOR_ARTEFACT_PATH}: ${artefact.trainedOn.facts} fact examples, ${artefact.trainedOn.labeledRows} labeled rows up to ${artefact.trainedOn.labeledUntil}, ${(text.length / 1024).toFixed(0)} KiB`,
);
