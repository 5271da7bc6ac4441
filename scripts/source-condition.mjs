// The workspace packages' exports carry a "@ledgerflow/source" condition that points at their
// TypeScript sources; everything else (the published packages, `npm start`) gets dist/. Tests, tsx
// scripts and Vite turn the condition on with these helpers, so development needs no build step.
// See docs/publishing.md.
import { defaultClientConditions, defaultServerConditions } from "vite";

export const SOURCE_CONDITION = "@ledgerflow/source";
const FLAG = `--conditions=${SOURCE_CONDITION}`;

/** NODE_OPTIONS that makes Node (and tsx, which uses Node's resolver) pick the sources. */
export function withSourceCondition(nodeOptions = "") {
  return nodeOptions.includes(FLAG) ? nodeOptions : `${nodeOptions} ${FLAG}`.trim();
}

/** NODE_OPTIONS without the flag: for child processes that must run what a user installs. */
export function withoutSourceCondition(nodeOptions = "") {
  return nodeOptions
    .split(/\s+/)
    .filter((option) => option !== FLAG)
    .join(" ");
}

/**
 * Vitest resolve options that pick the sources, otherwise Vitest's own defaults (Vite's server
 * conditions without "module", for node and jsdom projects alike). Also sets NODE_OPTIONS in this
 * process, so Vitest's workers and the processes tests spawn (`node --import tsx fixture.ts`, the
 * `ledgerflow` bin) resolve the sources too.
 */
export function sourceResolve() {
  process.env.NODE_OPTIONS = withSourceCondition(process.env.NODE_OPTIONS);
  const conditions = [SOURCE_CONDITION, ...defaultServerConditions.filter((c) => c !== "module")];
  return { resolve: { conditions }, ssr: { resolve: { conditions } } };
}

/** Vite (the web app's dev server and build): the sources, then Vite's browser conditions. */
export function viteSourceResolve() {
  return { resolve: { conditions: [SOURCE_CONDITION, ...defaultClientConditions] } };
}
