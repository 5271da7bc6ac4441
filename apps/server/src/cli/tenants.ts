import { createApiToken, createTenant, getTenant } from "@ledgerflow/books";
import type { Runtime } from "../runtime/open.js";

/**
 * `ledgerflow tenants create NAME [--operator]`: a tenant and its first token, printed once (only its
 * hash is kept). With --operator the token may also use the operator routes (/api/admin/…).
 */
export async function createTenantCommand(
  runtime: Runtime,
  name: string,
  json: boolean,
  operator = false,
): Promise<void> {
  const tenant = await createTenant(runtime.db, { name });
  const { token } = await createApiToken(runtime.db, tenant.id, { name: "cli", operator });
  if (json)
    process.stdout.write(
      `${JSON.stringify({ tenant_id: tenant.id, name: tenant.name, token, ...(operator ? { operator } : {}) })}\n`,
    );
  else
    process.stdout.write(
      `Tenant ${tenant.name} (${tenant.id}) created.\n${operator ? "Operator token" : "Token"} (shown once): ${token}\n`,
    );
}

/**
 * `ledgerflow tenants operator-token TENANT_ID`: a new operator token for an existing tenant (e.g. the
 * demo's, printed at start). It signs in as that tenant and also sees every tenant's jobs.
 */
export async function createOperatorTokenCommand(
  runtime: Runtime,
  tenantId: string,
  json: boolean,
): Promise<void> {
  const tenant = await getTenant(runtime.db, tenantId);
  if (!tenant)
    throw new Error(
      `no tenant ${tenantId}; list them in the database or create one with \`ledgerflow tenants create NAME --operator\``,
    );
  const { token } = await createApiToken(runtime.db, tenant.id, { name: "operator (cli)", operator: true });
  if (json) process.stdout.write(`${JSON.stringify({ tenant_id: tenant.id, token, operator: true })}\n`);
  else
    process.stdout.write(
      `Operator token for ${tenant.name} (${tenant.id}), shown once: ${token}\nSign in with it to see the operator view of Background jobs.\n`,
    );
}
