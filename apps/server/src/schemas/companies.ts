import { z } from "@hono/zod-openapi";
import { isTimeZone } from "./timezone.js";

export const CompanySchema = z
  .object({ id: z.string(), name: z.string(), created_at: z.string() })
  .openapi("Company");

export const CreateCompanySchema = z
  .object({
    name: z.string().trim().min(1).max(200).openapi({ example: "Acme Bakery Ltd" }),
    /** The time zone of the company's nightly schedule (03:00 there); NIGHTLY_TIMEZONE when left out. */
    timezone: z
      .string()
      .max(100)
      .refine(isTimeZone, {
        error: 'must be an IANA time zone such as "Europe/Paris" or "America/New_York"',
      })
      .optional()
      .openapi({ example: "Europe/Paris" }),
  })
  .openapi("CreateCompany");

export const AccountSchema = z
  .object({
    id: z.string(),
    company_id: z.string(),
    code: z.string(),
    name: z.string(),
    type: z.enum(["asset", "liability", "equity", "income", "expense"]),
    is_bank: z.boolean(),
  })
  .openapi("Account");

export const CompanyListSchema = z.object({ companies: z.array(CompanySchema) }).openapi("CompanyList");
export const AccountListSchema = z.object({ accounts: z.array(AccountSchema) }).openapi("AccountList");

export type Company = z.infer<typeof CompanySchema>;
export type CreateCompany = z.infer<typeof CreateCompanySchema>;
export type Account = z.infer<typeof AccountSchema>;
