import type { Server } from "node:http";
import { type AddressInfo, connect, type Socket } from "node:net";
import { serve } from "@hono/node-server";
import { createApiToken, verifyApiToken } from "@ledgerflow/books";
import { defineTask } from "@ledgerflow/jobs";
import { waitForJob } from "@ledgerflow/jobs/testing";
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { type App, createApp } from "../src/app.js";
import { cachedAuthenticate } from "../src/middleware/auth.js";
import { createAppServer } from "../src/runtime/http-server.js";
import { createTestServer, type TestServer } from "./support/server.js";

let release: () => void = () => undefined;
const held = defineTask({
  name: "held",
  input: z.object({ n: z.number() }),
  retries: 0,
  handler: async (ctx) => {
    ctx.progress(40, "Halfway there...");
    await new Promise<void>((resolve) => {
      release = resolve;
    });
    return { n: ctx.input.n, note: "ünïcode ✓" };
  },
});

let server: TestServer;
let full: App;
/** Requests that reached Hono's fetch through the server with the early listener. */
let honoCalls: number;
/** `ledgerflow serve`'s server: the status poll answered before Hono. */
let early: Server;
/** The same app as it was served before: @hono/node-server's serve() around app.fetch. */
let plain: Server;

beforeEach(async () => {
  server = await createTestServer({ tasks: [held] });
  full = createApp({
    db: server.db,
    queue: server.queue,
    logger: pino({ level: "silent" }),
    authenticate: cachedAuthenticate((token) => verifyApiToken(server.db, token)),
    rateLimit: { burst: 1000, perSecond: 1000 },
  });
  expect(full.statusPoll, "the lean path is mounted").not.toBeNull();
  honoCalls = 0;
  early = createAppServer({
    fetch: (request, env) => {
      honoCalls++;
      return full.app.fetch(request, env);
    },
    statusPoll: full.statusPoll,
    hostname: "127.0.0.1",
  });
  await new Promise<void>((resolve) => early.listen(0, "127.0.0.1", resolve));
  plain = await new Promise<Server>((resolve) => {
    const s = serve({ fetch: full.app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(s as Server));
  });
});

afterEach(async () => {
  for (const s of [early, plain]) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
  await server.close();
});

/** One kept-alive connection that sends raw requests and reads each whole raw response. */
class Connection {
  private buffer = Buffer.alloc(0);
  private waiting: (() => void) | null = null;
  private constructor(private readonly socket: Socket) {
    socket.on("data", (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.waiting?.();
    });
  }

  static async open(to: Server): Promise<Connection> {
    const { port } = to.address() as AddressInfo;
    const socket = connect(port, "127.0.0.1");
    await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
    return new Connection(socket);
  }

  /** The response's bytes as text; a chunked one (the SSE stream) up to its head only. */
  async send(request: string, options: { head?: boolean } = {}): Promise<string> {
    this.socket.write(request);
    for (;;) {
      const end = this.buffer.indexOf("\r\n\r\n");
      if (end >= 0) {
        const head = this.buffer.subarray(0, end + 4).toString("latin1");
        const length = /\r\ncontent-length: (\d+)\r\n/i.exec(head);
        const total = end + 4 + (options.head || !length ? 0 : Number(length[1]));
        if (this.buffer.length >= total) {
          const response = this.buffer.subarray(0, total).toString("utf8");
          this.buffer = this.buffer.subarray(total);
          return response;
        }
      }
      await new Promise<void>((resolve) => {
        this.waiting = resolve;
      });
      this.waiting = null;
    }
  }

  close(): void {
    this.socket.destroy();
  }
}

function request(method: string, path: string, headers: Record<string, string> | [string, string][] = {}) {
  const lines = Array.isArray(headers) ? headers : Object.entries(headers);
  return [
    `${method} ${path} HTTP/1.1`,
    "Host: localhost",
    ...lines.map(([k, v]) => `${k}: ${v}`),
    "",
    "",
  ].join("\r\n");
}

/** The raw answer with the Date header's value blanked (it is the only part that varies by itself). */
const comparable = (raw: string) => raw.replace(/\r\nDate: [^\r]*\r\n/, "\r\nDate: -\r\n");

/** The same raw request (or one each: early's, plain's) to both servers, each on a fresh connection. */
async function both(raw: string | [string, string], options: { head?: boolean } = {}) {
  const [toEarly, toPlain] = typeof raw === "string" ? [raw, raw] : raw;
  const a = await Connection.open(early);
  const b = await Connection.open(plain);
  try {
    return {
      early: comparable(await a.send(toEarly, options)),
      plain: comparable(await b.send(toPlain, options)),
    };
  } finally {
    a.close();
    b.close();
  }
}

const bearer = (token: string, requestId = "req-poll-1") => ({
  Authorization: `Bearer ${token}`,
  "X-Request-Id": requestId,
});

/** Puts the tenant's token in the auth cache, as the web app's first request does. */
async function signIn(token: string) {
  const c = await Connection.open(early);
  expect(await c.send(request("GET", "/api/companies", { Authorization: `Bearer ${token}` }))).toMatch(
    /^HTTP\/1\.1 200 /,
  );
  c.close();
}

describe("the status poll answered before Hono", () => {
  it("answers a cached poll without Hono, byte for byte as the full app does, in every state of the job", async () => {
    const { a } = server;
    await signIn(a.token);
    const { job } = await server.queue.enqueue(held, { n: 1 }, { tenantId: a.tenantId });
    const compare = async (status: string) => {
      const before = honoCalls;
      const { early: viaEarly, plain: viaPlain } = await both(
        request("GET", `/api/jobs/${job.id}`, bearer(a.token)),
      );
      expect(honoCalls, "answered ahead of Hono").toBe(before);
      expect(viaEarly).toBe(viaPlain);
      expect(viaEarly).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
      expect(viaEarly).toContain("\r\ncontent-type: application/json\r\nx-request-id: req-poll-1\r\n");
      expect(viaEarly).toContain(`"status":"${status}"`);
    };
    await compare("pending");
    server.startWorker();
    await waitForJob(server.queue, { tenantId: a.tenantId, jobId: job.id, status: "running" });
    await expect.poll(async () => (await server.queue.get(a.tenantId, job.id)).progress).toBe(40);
    await compare("running");
    release();
    await waitForJob(server.queue, { tenantId: a.tenantId, jobId: job.id, status: "complete" });
    await compare("complete");
  });

  it("gives each poll a fresh request id unless the caller sent a sane one, like the normal route", async () => {
    await signIn(server.a.token);
    const { job } = await server.queue.enqueue(held, { n: 2 }, { tenantId: server.a.tenantId });
    const c = await Connection.open(early);
    const ids = [];
    for (const requestId of [undefined, undefined, "not sane!", "x".repeat(101)]) {
      const headers: Record<string, string> = { Authorization: `Bearer ${server.a.token}` };
      if (requestId !== undefined) headers["X-Request-Id"] = requestId;
      const raw = await c.send(request("GET", `/api/jobs/${job.id}`, headers));
      expect(raw).toMatch(/^HTTP\/1\.1 200 /);
      ids.push(/\r\nx-request-id: ([^\r]*)\r\n/.exec(raw)?.[1]);
    }
    c.close();
    for (const id of ids)
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(ids.length);
    expect(honoCalls, "only the sign-in reached Hono").toBe(1);
  });

  it("answers polls one after another on one kept-alive connection", async () => {
    await signIn(server.a.token);
    const { job } = await server.queue.enqueue(held, { n: 3 }, { tenantId: server.a.tenantId });
    const c = await Connection.open(early);
    for (let i = 0; i < 5; i++) {
      const raw = await c.send(request("GET", `/api/jobs/${job.id}`, bearer(server.a.token)));
      expect(raw).toMatch(/^HTTP\/1\.1 200 [\s\S]*\r\nConnection: keep-alive\r\n[\s\S]*"status":"pending"/);
    }
    // Then a request Hono answers, on the same connection.
    expect(await c.send(request("GET", "/api/companies", bearer(server.a.token)))).toMatch(
      /^HTTP\/1\.1 200 /,
    );
    c.close();
  });

  it("records each early answer in the request metrics under the route's pattern", async () => {
    await signIn(server.a.token);
    const { job } = await server.queue.enqueue(held, { n: 4 }, { tenantId: server.a.tenantId });
    const c = await Connection.open(early);
    for (let i = 0; i < 3; i++) await c.send(request("GET", `/api/jobs/${job.id}`, bearer(server.a.token)));
    c.close();
    expect(honoCalls).toBe(1);
    const metrics = await (await full.app.request("/metrics")).text();
    expect(metrics).toMatch(
      /ledgerflow_http_request_duration_seconds_count\{method="GET",route="\/api\/jobs\/:id",status="200"\} 3\b/,
    );
  });

  it("is a 401 on the very next poll after signing out, as the full app answers it", async () => {
    const { a } = server;
    await signIn(a.token);
    const { job } = await server.queue.enqueue(held, { n: 5 }, { tenantId: a.tenantId });
    const c = await Connection.open(early);
    expect(await c.send(request("GET", `/api/jobs/${job.id}`, bearer(a.token)))).toMatch(/^HTTP\/1\.1 200 /);
    expect(await c.send(request("DELETE", "/api/me/token", bearer(a.token)))).toMatch(/^HTTP\/1\.1 204 /);
    c.close();
    const after = await both(request("GET", `/api/jobs/${job.id}`, bearer(a.token)));
    expect(after.early).toBe(after.plain);
    expect(after.early).toMatch(/^HTTP\/1\.1 401 [\s\S]*"code":"unauthorized"/);
  });

  it("falls through to the full app for everything else, with the full app's exact answer", async () => {
    const { a, b } = server;
    await signIn(a.token);
    await signIn(b.token);
    // Two more tokens of tenant a, never used, one per server: not in the auth cache.
    const uncached = [
      (await createApiToken(server.db, a.tenantId)).token,
      (await createApiToken(server.db, a.tenantId)).token,
    ];
    const { job } = await server.queue.enqueue(held, { n: 6 }, { tenantId: a.tenantId });
    const path = `/api/jobs/${job.id}`;
    const cases: {
      name: string;
      raw: string | [string, string];
      status: number;
      head?: boolean;
      reachesHono?: boolean;
    }[] = [
      { name: "another tenant's job", raw: request("GET", path, bearer(b.token)), status: 404 },
      { name: "an unknown id", raw: request("GET", "/api/jobs/job_unknown", bearer(a.token)), status: 404 },
      {
        // Its first request caches it, so each server gets a token of its own.
        name: "a token not cached yet",
        raw: [
          request("GET", path, bearer(uncached[0] as string)),
          request("GET", path, bearer(uncached[1] as string)),
        ],
        status: 200,
      },
      { name: "no token", raw: request("GET", path, { "X-Request-Id": "r1" }), status: 401 },
      {
        name: "another spelling",
        raw: request("GET", path, { Authorization: `bearer ${a.token}`, "X-Request-Id": "r3" }),
        status: 200,
      },
      {
        name: "two Authorization headers",
        raw: request("GET", path, [
          ["Authorization", `Bearer ${a.token}`],
          ["Authorization", `Bearer ${b.token}`],
          ["X-Request-Id", "r2"],
        ]),
        status: 401,
      },
      { name: "HEAD", raw: request("HEAD", path, bearer(a.token)), status: 200, head: true },
      {
        name: "POST",
        raw: request("POST", path, { ...bearer(a.token), "Content-Length": "0" }),
        status: 404,
      },
      { name: "a query string", raw: request("GET", `${path}?fields=all`, bearer(a.token)), status: 200 },
      { name: "a trailing slash", raw: request("GET", `${path}/`, bearer(a.token)), status: 404 },
      { name: "/flow", raw: request("GET", `${path}/flow`, bearer(a.token)), status: 200 },
      { name: "/events", raw: request("GET", `${path}/events`, bearer(a.token)), status: 200, head: true },
      {
        name: "a percent-encoded id",
        raw: request("GET", `/api/jobs/${job.id}%41`, bearer(a.token)),
        status: 404,
      },
      {
        name: "an id too long",
        raw: request("GET", `/api/jobs/${"j".repeat(201)}`, bearer(a.token)),
        status: 400,
      },
      {
        name: "a Host with a port @hono/node-server parses",
        raw: request("GET", path, bearer(a.token)).replace("Host: localhost", "Host: LocalHost:80"),
        status: 200,
      },
    ];
    for (const testCase of cases) {
      const before = honoCalls;
      const answer = await both(testCase.raw, { head: testCase.head ?? false });
      expect(honoCalls, `${testCase.name}: passed to Hono`).toBe(before + 1);
      expect(answer.early, testCase.name).toBe(answer.plain);
      expect(answer.early.slice(0, 12), testCase.name).toBe(`HTTP/1.1 ${testCase.status}`);
    }
  });
});
