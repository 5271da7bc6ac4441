import { requireCompany } from "./companies.js";
import { newId } from "./ids.js";
import type { BooksDb } from "./open.js";
import type { ImportStatus } from "./schema.js";

export interface ImportInfo {
  id: string;
  companyId: string;
  filename: string;
  sizeBytes: number;
  /** Parser options chosen at upload (date order, column mapping), as given. */
  options: Record<string, unknown> | null;
  status: ImportStatus;
  createdAt: number;
  updatedAt: number;
}

export interface ImportWithContent extends ImportInfo {
  content: Uint8Array;
}

/** Stores an uploaded file in the database, so any worker — on any machine — can read it. */
export async function createImport(
  db: BooksDb,
  tenantId: string,
  input: {
    companyId: string;
    filename: string;
    content: Uint8Array;
    options?: Record<string, unknown> | null;
  },
): Promise<ImportInfo> {
  await requireCompany(db, tenantId, input.companyId);
  const now = Date.now();
  const info: ImportInfo = {
    id: newId("imp"),
    companyId: input.companyId,
    filename: input.filename,
    sizeBytes: input.content.byteLength,
    options: input.options ?? null,
    status: "uploaded",
    createdAt: now,
    updatedAt: now,
  };
  await db
    .insertInto("imports")
    .values({
      id: info.id,
      tenant_id: tenantId,
      company_id: info.companyId,
      filename: info.filename,
      size_bytes: info.sizeBytes,
      content: input.content,
      options: info.options ? JSON.stringify(info.options) : null,
      status: info.status,
      created_at: now,
      updated_at: now,
    })
    .execute();
  return info;
}

/** The import with its bytes, or null when unknown or another tenant's. */
export async function getImport(
  db: BooksDb,
  tenantId: string,
  importId: string,
): Promise<ImportWithContent | null> {
  const row = await db
    .selectFrom("imports")
    .selectAll()
    .where("tenant_id", "=", tenantId)
    .where("id", "=", importId)
    .executeTakeFirst();
  if (!row) return null;
  return {
    id: row.id,
    companyId: row.company_id,
    filename: row.filename,
    sizeBytes: row.size_bytes,
    options: row.options ? (JSON.parse(row.options) as Record<string, unknown>) : null,
    status: row.status,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    content: new Uint8Array(row.content.buffer, row.content.byteOffset, row.content.byteLength),
  };
}

export async function setImportStatus(
  db: BooksDb,
  tenantId: string,
  importId: string,
  status: ImportStatus,
): Promise<void> {
  await db
    .updateTable("imports")
    .set({ status, updated_at: Date.now() })
    .where("tenant_id", "=", tenantId)
    .where("id", "=", importId)
    .execute();
}
