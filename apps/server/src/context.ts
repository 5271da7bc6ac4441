import type { Logger } from "pino";

/** Variables the middleware sets on every request, read by the routes. */
export interface AppVariables {
  requestId: string;
  log: Logger;
  /** Set by the auth middleware from the bearer token; the only source of the tenant. */
  tenantId: string;
  /** Which credential made the request (rate limits are per token). Never the token itself. */
  tokenId: string;
  /** The token is an operator's (api_tokens.operator): the /api/admin routes check it. */
  operator: boolean;
}

export interface AppEnv {
  Variables: AppVariables;
}
