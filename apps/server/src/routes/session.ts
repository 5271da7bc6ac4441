import { createRoute } from "@hono/zod-openapi";
import type { BooksDb } from "@ledgerflow/books";
import { type Authenticate, isCachedAuthenticate } from "../middleware/auth.js";
import { errorResponses } from "../schemas/common.js";
import { newRouter } from "./deps.js";

const signOut = createRoute({
  method: "delete",
  path: "/api/me/token",
  tags: ["auth"],
  summary: "Sign out: revoke the token this request carries (every later request with it is a 401)",
  responses: { 204: { description: "Revoked" }, ...errorResponses(401, 429) },
});

/**
 * `DELETE /api/me/token`: deletes the credential's row and drops it from this process's auth cache at
 * once, so the very next request with the token (the status poll's lean path included) is a 401.
 */
export function sessionRoutes({ db, authenticate }: { db: BooksDb; authenticate: Authenticate }) {
  const app = newRouter();
  app.openapi(signOut, async (c) => {
    const tokenId = c.var.tokenId;
    await db.deleteFrom("api_tokens").where("id", "=", tokenId).execute();
    if (isCachedAuthenticate(authenticate)) authenticate.revoke(tokenId);
    return c.body(null, 204);
  });
  return app;
}
