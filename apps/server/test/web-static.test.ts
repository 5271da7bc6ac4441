import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppEnv } from "../src/context.js";
import { mountWebApp } from "../src/web/static-web.js";

let dist: string;
const app = new Hono<AppEnv>();

beforeAll(() => {
  dist = mkdtempSync(path.join(tmpdir(), "ledgerflow-web-"));
  mkdirSync(path.join(dist, "assets"));
  writeFileSync(path.join(dist, "index.html"), "<!doctype html><title>Ledgerflow web</title>");
  writeFileSync(path.join(dist, "assets", "app.js"), "console.log('app')");
  app.get("/api/thing", (c) => c.json({ api: true }));
  mountWebApp(app, dist);
  app.notFound((c) => c.json({ error: { code: "not_found", message: "none" } }, 404));
});
afterAll(() => rmSync(dist, { recursive: true, force: true }));

describe("the built web app", () => {
  it("serves index.html at / and the assets", async () => {
    expect(await (await app.request("/")).text()).toContain("Ledgerflow web");
    const asset = await app.request("/assets/app.js");
    expect(asset.status).toBe(200);
    expect(await asset.text()).toContain("console.log");
  });

  it("answers client-side routes with index.html so a reload works", async () => {
    const res = await app.request("/dashboard/background-jobs");
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("Ledgerflow web");
  });

  it("leaves the API alone: its routes answer, and unknown API paths stay 404 JSON", async () => {
    expect(await (await app.request("/api/thing")).json()).toEqual({ api: true });
    const missing = await app.request("/api/missing");
    expect(missing.status).toBe(404);
    expect((await missing.json()).error.code).toBe("not_found");
  });
});
