import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { serveStatic } from "@hono/node-server/serve-static";
import type { Hono } from "hono";
import type { AppEnv } from "../context.js";

const NOT_THE_WEB_APP = /^\/(api|docs|openapi\.json|metrics|healthz)(\/|$)/;

const PLAIN_HOME = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Ledgerflow</title>
<body style="font:16px system-ui;max-width:40rem;margin:3rem auto">
<h1>Ledgerflow is running</h1>
<p>The web app has not been built (<code>npm run build -w @ledgerflow/web</code>). Meanwhile the API is here:
<a href="/docs">API documentation</a>, <a href="/healthz">health</a>, <a href="/metrics">metrics</a>.</p></body></html>`;

/**
 * Serves the built web app (apps/web/dist) at `/`, with every other non-API GET answered by its
 * index.html so client-side routes such as /dashboard/background-jobs survive a reload. Without a
 * build, `/` is a plain page that links the API docs.
 */
export function mountWebApp(app: Hono<AppEnv>, distDir: string | null): void {
  const indexFile = distDir ? path.join(distDir, "index.html") : null;
  if (!distDir || !indexFile || !existsSync(indexFile)) {
    app.get("/", (c) => c.html(PLAIN_HOME));
    return;
  }
  const indexHtml = readFileSync(indexFile, "utf8");
  // serveStatic resolves `root` against the working directory, so give it a relative path.
  const root = path.relative(process.cwd(), distDir) || ".";
  app.use("*", async (c, next) => {
    if (NOT_THE_WEB_APP.test(c.req.path) || (c.req.method !== "GET" && c.req.method !== "HEAD"))
      return next();
    return serveStatic<AppEnv>({ root })(c, next);
  });
  app.get("*", (c, next) => {
    if (NOT_THE_WEB_APP.test(c.req.path)) return next();
    return c.html(indexHtml);
  });
}
