import type { ColumnMappingInput } from "../csv/types.js";
import { requireCompany } from "./companies.js";
import type { BooksDb } from "./open.js";

/**
 * Remembers the mapping a person confirmed for files of this shape (`fingerprint`, see
 * csv/shape.ts) in this company; the last confirmation wins.
 */
export async function rememberMapping(
  db: BooksDb,
  tenantId: string,
  companyId: string,
  fingerprint: string,
  mapping: ColumnMappingInput,
): Promise<void> {
  await requireCompany(db, tenantId, companyId);
  const now = Date.now();
  const json = JSON.stringify(mapping);
  await db
    .insertInto("import_mappings")
    .values({
      tenant_id: tenantId,
      company_id: companyId,
      fingerprint,
      mapping: json,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) =>
      oc.columns(["company_id", "fingerprint"]).doUpdateSet({ mapping: json, updated_at: now }),
    )
    .execute();
}

/** The remembered mapping for files of this shape, or null (also for another tenant's company). */
export async function recallMapping(
  db: BooksDb,
  tenantId: string,
  companyId: string,
  fingerprint: string,
): Promise<ColumnMappingInput | null> {
  const row = await db
    .selectFrom("import_mappings")
    .select("mapping")
    .where("tenant_id", "=", tenantId)
    .where("company_id", "=", companyId)
    .where("fingerprint", "=", fingerprint)
    .executeTakeFirst();
  return row ? (JSON.parse(row.mapping) as ColumnMappingInput) : null;
}
