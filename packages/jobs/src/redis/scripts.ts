import { readFileSync } from "node:fs";
import type { Redis } from "ioredis";

/** The scripts in scripts/, one per state change; each runs atomically inside Redis. */
export const SCRIPT_NAMES = [
  "enqueue",
  "claim",
  "extend",
  "progress",
  "complete",
  "fail",
  "release",
  "cancel",
  "retry",
  "delete",
  "reclaim",
  "expire",
  "list",
  "block",
  "schedules",
  "stats",
  "backfill",
  "tick",
] as const;
export type ScriptName = (typeof SCRIPT_NAMES)[number];

const SCRIPTS_DIR = new URL("./scripts/", import.meta.url);

function source(name: string): string {
  return readFileSync(new URL(`${name}.lua`, SCRIPTS_DIR), "utf8");
}

/** A script's body: its own file, except tick, which is its writes' part and then the claim. */
function body(name: ScriptName): string {
  return name === "tick" ? `${source("tick")}\n${source("claim")}` : source(name);
}

/**
 * Defines every script on `client` as an ioredis command (`lf_<name>`), which sends EVALSHA and falls
 * back to EVAL when Redis lost its script cache (after a restart). The shared helpers in lib.lua are
 * prepended to each script, so each stays one self-contained atomic unit.
 */
export function defineScripts(client: Redis): void {
  const lib = source("lib");
  for (const name of SCRIPT_NAMES) {
    if (typeof (client as unknown as Record<string, unknown>)[`lf_${name}`] === "function") continue;
    client.defineCommand(`lf_${name}`, { numberOfKeys: 0, lua: `${lib}\n${body(name)}` });
  }
}

type ScriptFn = (...args: (string | number)[]) => Promise<unknown>;

/** Runs script `name` with the prefix and origin in front of its own arguments. */
export function callScript(
  client: Redis,
  name: ScriptName,
  prefix: string,
  origin: string,
  args: (string | number)[],
): Promise<unknown> {
  const fn = (client as unknown as Record<string, ScriptFn>)[`lf_${name}`];
  if (fn === undefined) throw new Error(`Redis script ${name} is not defined; call store.init() first.`);
  return fn.call(client, prefix, origin, ...args);
}

interface DefinedScript {
  execute(client: Redis, args: (string | number)[], options: object): Promise<unknown>;
}

/**
 * As callScript, but written to the connection at once instead of joining the auto-pipeline: ioredis
 * sends one auto-pipeline at a time per connection and queues the next until the one in flight is
 * answered, so a second claim would otherwise wait for the first and never overlap with it. Commands
 * already queued for the next auto-pipeline go after this one (none of them is waited for by it).
 */
export function callScriptNow(
  client: Redis,
  name: ScriptName,
  prefix: string,
  origin: string,
  args: (string | number)[],
): Promise<unknown> {
  const script = (client as unknown as { scriptsSet?: Record<string, DefinedScript> }).scriptsSet?.[
    `lf_${name}`
  ];
  if (script === undefined) return callScript(client, name, prefix, origin, args);
  return script.execute(client, [prefix, origin, ...args], {});
}
