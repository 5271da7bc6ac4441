import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { getRequestListener } from "@hono/node-server";
import { type LeanJobStatus, leanStatusHeaders } from "../routes/job-status.js";

type FetchCallback = Parameters<typeof getRequestListener>[0];
type Listener = (req: IncomingMessage, res: ServerResponse) => void;

const PREFIX = "/api/jobs/";
/**
 * The ids answered ahead of Hono: characters that need no percent-decoding, no dot segments and no
 * query string, so the id is exactly what Hono's router would give `:id`. Any other id takes Hono.
 */
const PLAIN_ID = /^[A-Za-z0-9_-]{1,200}$/;
/** @hono/node-server's check of a Host header it uses as it is (any other host is parsed, or refused). */
const PLAIN_HOST = /^[a-z0-9._-]+(?::(?:[1-5]\d{3,4}|[6-9]\d{3}))?$/;

/**
 * The HTTP server for the app: @hono/node-server's request listener for `fetch`, behind a listener
 * that answers the status poll itself when it can ({@link statusPollListener}). Not listening yet.
 */
export function createAppServer(options: {
  fetch: FetchCallback;
  statusPoll: LeanJobStatus | null;
  /** As given to @hono/node-server's serve(): the host of a request without a Host header. */
  hostname?: string;
}): Server {
  const hono = getRequestListener(options.fetch, options.hostname ? { hostname: options.hostname } : {});
  return createServer(options.statusPoll ? statusPollListener(options.statusPoll, hono) : hono);
}

/**
 * Answers `GET /api/jobs/<id>` — the route every open browser tab polls — before Hono, from the
 * same lean path the app mounts ahead of its middleware (routes/job-status.ts): no Request object,
 * no routing, no context. Only a GET of exactly that path (no trailing segment, no query string, an
 * id that needs no decoding) with a single plain Host header and at most one Authorization header is
 * tried; every other request, and every poll the lean path does not answer with a 200 (a token not
 * cached or revoked, an unknown or another tenant's job, a store error), goes to Hono unchanged, so
 * errors keep the app's shape. The answer is written the way @hono/node-server writes the lean
 * Response: the same status, header names, order and values, and Content-Length.
 */
export function statusPollListener(statusPoll: LeanJobStatus, next: Listener): Listener {
  return (req, res) => {
    const url = req.url;
    if (req.method !== "GET" || url === undefined || !url.startsWith(PREFIX)) return next(req, res);
    const id = url.slice(PREFIX.length);
    if (!PLAIN_ID.test(id)) return next(req, res);
    const started = performance.now();
    // The raw headers, as Hono's Request sees them: a repeated header is one value joined by ", "
    // (which no cached token and no accepted request id matches); node's req.headers keeps only the
    // first Authorization.
    const raw = req.rawHeaders;
    let host: string | undefined;
    let hosts = 0;
    let authorization: string | undefined;
    let requestId: string | undefined;
    for (let i = 0; i < raw.length; i += 2) {
      const name = raw[i] as string;
      const value = raw[i + 1] as string;
      if (name.length === 4 && name.toLowerCase() === "host") {
        host = value;
        hosts++;
      } else if (name.length === 13 && name.toLowerCase() === "authorization") {
        authorization = authorization === undefined ? value : `${authorization}, ${value}`;
      } else if (name.length === 12 && name.toLowerCase() === "x-request-id") {
        requestId = requestId === undefined ? value : `${requestId}, ${value}`;
      }
    }
    if (hosts !== 1 || !PLAIN_HOST.test(host as string) || authorization === undefined) return next(req, res);
    statusPoll.answer({ method: "GET", path: url, id, authorization, requestId, started }).then(
      (answer) => {
        if (answer === null) return next(req, res);
        const headers: Record<string, string | number> = leanStatusHeaders(answer.requestId);
        const length = Buffer.byteLength(answer.body);
        if (!setContentLength(res, length)) headers["Content-Length"] = length;
        res.writeHead(200, headers);
        res.end(answer.body);
      },
      () => next(req, res),
    );
  };
}

/**
 * What @hono/node-server does for a body of known length with plain headers (its
 * trySetContentLength): hand the length to node, which then writes Content-Length after its own
 * Date/Connection/Keep-Alive headers. False when node would not take it; the caller adds the header.
 */
function setContentLength(res: ServerResponse, length: number): boolean {
  const http1 = res as ServerResponse & {
    _contentLength: number | null;
    _hasBody: boolean;
    _removedContLen: boolean;
  };
  if (
    http1._contentLength === null &&
    http1._hasBody &&
    http1.useChunkedEncodingByDefault &&
    !http1._removedContLen
  ) {
    http1._contentLength = length;
    return true;
  }
  return false;
}
