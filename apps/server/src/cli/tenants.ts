import { createApiToken, createTenant } from "@ledgerflow/books";
import type { Runtime } from "../runtime/open.js";

/** `ledgerflow tenants create NAME`: a tenant and its first token, printed once (only its hash is kept). */
export async function createTenantCommand(runtime: Runtime, name: string, json: boolean): Promise<void> {
  const tenant = await createTenant(runtime.db, { name });
  const { token } = await createApiToken(runtime.db, tenant.id, { name: "cli" });
  if (json) process.stdout.write(`${JSON.stringify({ tenant_id: tenant.id, name: tenant.name, token })}\n`);
  else process.stdout.write(`Tenant ${tenant.name} (${tenant.id}) created.\nToken (shown once): ${token}\n`);
}
