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
 * Vite / Vitest resolve options that pick the sources, in the browser-like (client) and the Node
 * (ssr) environments. Also sets NODE_OPTIONS in this process, so Vitest's workers and the processes
 * tests spawn (`node --import tsx fixture.ts`, the `ledgerflow` bin) resolve the sources too.
 */
export function sourceResolve() {
  process.env.NODE_OPTIONS = withSourceCondition(process.env.NODE_OPTIONS);
  return {
    resolve: { conditions: [SOURCE_CONDITION, ...defaultClientConditions] },
    ssr: { resolve: { conditions: [SOURCE_CONDITION, ...defaultServerConditions] } },
  };
}
