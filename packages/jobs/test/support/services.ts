/**
 * Probes for the real PostgreSQL and Redis that tests run against.
 *
 * Locally an unreachable server skips the tests that need it, and the skipped suite's name says why.
 * Under CI=true the probe throws instead: CI runs both servers, so a missing one is a broken build,
 * not a reason to pass quietly.
 *
 * Usage in a test file:
 *   const pg = await pgAvailable();
 *   describeIfService("postgres store", pg, () => { ... });
 */
import { randomBytes } from "node:crypto";
import { describe } from "vitest";
import { pingPostgres, pingRedis } from "./pings.js";

export const POSTGRES_URL =
  process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
export const REDIS_URL = process.env.TEST_REDIS_URL ?? process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

const probes = new Map<string, Promise<boolean>>();
const skipReasons = new Map<string, string>();

function isCi(): boolean {
  return process.env.CI === "true";
}

async function probe(service: string, url: string, ping: () => Promise<void>): Promise<boolean> {
  const key = `${service} ${url}`;
  let cached = probes.get(key);
  if (!cached) {
    cached = ping().then(
      () => true,
      (error: unknown) => {
        const detail = error instanceof Error ? error.message : String(error);
        skipReasons.set(service, `${service} is not reachable at ${redactUrl(url)} (${detail})`);
        return false;
      },
    );
    probes.set(key, cached);
  }
  const available = await cached;
  if (!available && isCi()) {
    throw new Error(
      `${skipReasons.get(service)}. CI=true requires it: start the server or fix TEST_DATABASE_URL/TEST_REDIS_URL.`,
    );
  }
  return available;
}

function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, "//$1:***@");
}

/** True when PostgreSQL answers at {@link POSTGRES_URL}; under CI=true throws when it does not. */
export function pgAvailable(url: string = POSTGRES_URL): Promise<boolean> {
  return probe("PostgreSQL", url, () => pingPostgres(url));
}

/** True when Redis answers at {@link REDIS_URL}; under CI=true throws when it does not. */
export function redisAvailable(url: string = REDIS_URL): Promise<boolean> {
  return probe("Redis", url, () => pingRedis(url));
}

/** Why the probed services are unavailable, for a skip's name (e.g. runStoreConformance's `skip`). */
export function unavailableReason(): string {
  return [...skipReasons.values()].join("; ") || "the service it needs is not reachable";
}

/** `describe` when the service is up, otherwise `describe.skip` with the reason in the suite's name. */
export function describeIfService(name: string, available: boolean, fn: () => void): void {
  if (available) {
    describe(name, fn);
    return;
  }
  describe.skip(`${name} — skipped: ${unavailableReason()} (CI=true makes this a failure)`, fn);
}

/** A fresh PostgreSQL schema name for one test or store instance (lower case, safe unquoted). */
export function uniqueSchemaName(prefix = "lf_test"): string {
  return `${prefix}_${randomBytes(6).toString("hex")}`;
}

/** A fresh Redis key prefix for one test or store instance. */
export function uniqueRedisPrefix(prefix = "lftest"): string {
  return `${prefix}:${randomBytes(6).toString("hex")}`;
}
