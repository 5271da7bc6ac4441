import { createHash, randomBytes } from "node:crypto";
import { newId } from "./ids.js";
import type { BooksDb } from "./open.js";

/** Every API token starts with this, so a leaked one is easy to spot in logs and secret scanners. */
export const TOKEN_PREFIX = "lf_";
const SHOWN_PREFIX_LENGTH = 10;

export interface ApiToken {
  id: string;
  tenantId: string;
  /** The first characters of the token, to tell tokens apart in a list. */
  prefix: string;
  name: string | null;
  createdAt: number;
  lastUsedAt: number | null;
  /** May also use the operator routes (/api/admin/…): every tenant's jobs, bulk actions, task pauses. */
  operator: boolean;
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/**
 * Creates an API token for a tenant. The plain token is returned once and only its sha-256 is
 * stored. A given `token` (e.g. the demo's fixed token) is used as is; it must start with `lf_`.
 */
export async function createApiToken(
  db: BooksDb,
  tenantId: string,
  options: { name?: string; token?: string; operator?: boolean } = {},
): Promise<{ token: string; record: ApiToken }> {
  const token = options.token ?? `${TOKEN_PREFIX}${randomBytes(24).toString("base64url")}`;
  if (!token.startsWith(TOKEN_PREFIX) || token.length < 16) {
    throw new Error(`an API token must start with "${TOKEN_PREFIX}" and be at least 16 characters`);
  }
  const record: ApiToken = {
    id: newId("tok"),
    tenantId,
    prefix: token.slice(0, SHOWN_PREFIX_LENGTH),
    name: options.name ?? null,
    createdAt: Date.now(),
    lastUsedAt: null,
    operator: options.operator ?? false,
  };
  await db
    .insertInto("api_tokens")
    .values({
      id: record.id,
      tenant_id: tenantId,
      token_hash: hashToken(token),
      prefix: record.prefix,
      name: record.name,
      created_at: record.createdAt,
      last_used_at: null,
      operator: record.operator ? 1 : 0,
    })
    .execute();
  return { token, record };
}

/** The token's tenant (and whether it is an operator's), or null for an unknown token. Records when it was last used. */
export async function verifyApiToken(
  db: BooksDb,
  token: string,
): Promise<{ tenantId: string; tokenId: string; operator: boolean } | null> {
  if (!token.startsWith(TOKEN_PREFIX)) return null;
  const row = await db
    .selectFrom("api_tokens")
    .select(["id", "tenant_id", "last_used_at", "operator"])
    .where("token_hash", "=", hashToken(token))
    .executeTakeFirst();
  if (!row) return null;
  const now = Date.now();
  // Write last_used_at at most once a minute: every request verifies, and a write per request on
  // SQLite would serialise all readers behind the writer.
  if (row.last_used_at === null || now - row.last_used_at > 60_000) {
    await db.updateTable("api_tokens").set({ last_used_at: now }).where("id", "=", row.id).execute();
  }
  return { tenantId: row.tenant_id, tokenId: row.id, operator: row.operator === 1 };
}

export async function findTokenByValue(db: BooksDb, token: string): Promise<{ id: string } | null> {
  return (
    (await db
      .selectFrom("api_tokens")
      .select("id")
      .where("token_hash", "=", hashToken(token))
      .executeTakeFirst()) ?? null
  );
}
