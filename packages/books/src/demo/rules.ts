/** The demo company's rules, by account code: enough to show rules winning before history and LLM. */
export const DEMO_RULES: readonly { name: string; contains: string; accountCode: string }[] = [
  { name: "Payroll via Gusto", contains: "gusto payroll", accountCode: "6800" },
  { name: "Stripe payouts are sales", contains: "stripe transfer", accountCode: "4000" },
  { name: "Cloud hosting", contains: "amazon web services", accountCode: "6500" },
  { name: "GitHub", contains: "github", accountCode: "6500" },
  { name: "Coworking rent", contains: "wework", accountCode: "6400" },
  { name: "Bank fees", contains: "service fee", accountCode: "6100" },
];
