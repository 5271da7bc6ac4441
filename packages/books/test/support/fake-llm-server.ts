import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A fake OpenAI-compatible chat-completions endpoint on 127.0.0.1 (port 0), for tests of the LLM
 * categorizer: it answers from a function the test gives, and can be told to be slow, rate-limit,
 * fail, answer garbage or invent account ids. It records every request and the peak number in flight.
 */

export interface FakeTxnRow {
  ref: string;
  description: string;
  payee: string | null;
  amount: string;
}

export interface FakeAnswer {
  account_id: string;
  confidence: number;
  reason?: string;
}

/** One scripted response, used by the next request instead of a normal answer. */
export type Scripted =
  | { status: number; headers?: Record<string, string>; body?: unknown }
  | { malformed: true }
  | { delayMs: number };

export interface RecordedRequest {
  model: string;
  rows: FakeTxnRow[];
  accountIds: string[];
  refs: string[];
  startedAt: number;
}

export interface FakeLlmServer {
  /** Base URL to give the SDK, ending in /v1. */
  readonly baseURL: string;
  readonly requests: RecordedRequest[];
  readonly maxInFlight: number;
  /** Latency of every normal answer. */
  latencyMs: number;
  /** Default: the first account offered, confidence 0.85. Return null to leave the row out of the answer. */
  answer: (row: FakeTxnRow, accountIds: string[]) => FakeAnswer | null;
  /** Queues responses for the next requests, in order. */
  script(...responses: Scripted[]): void;
  close(): Promise<void>;
}

interface ChatBody {
  model: string;
  messages: { role: string; content: string }[];
  response_format?: {
    json_schema?: {
      schema?: {
        properties?: { results?: { items?: { properties?: Record<string, { enum?: string[] }> } } };
      };
    };
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => {
      data += chunk;
    });
    req.on("end", () => resolve(data));
    req.on("error", reject);
  });
}

function completion(model: string, content: string) {
  return {
    id: "chatcmpl-fake",
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        message: { role: "assistant", content, refusal: null },
        finish_reason: "stop",
        logprobs: null,
      },
    ],
    usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
  };
}

export async function startFakeLlmServer(): Promise<FakeLlmServer> {
  const queue: Scripted[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let inFlight = 0;
  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });

  const state = {
    requests: [] as RecordedRequest[],
    maxInFlight: 0,
    latencyMs: 0,
    answer: (_row: FakeTxnRow, accountIds: string[]): FakeAnswer | null => ({
      account_id: accountIds[0] ?? "none",
      confidence: 0.85,
    }),
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      if (res.destroyed) return;
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(typeof body === "string" ? body : JSON.stringify(body));
    };
    if (req.method !== "POST" || !req.url?.endsWith("/chat/completions")) {
      return send(404, { error: { message: `no route ${req.method} ${req.url}` } });
    }
    const body = JSON.parse(await readBody(req)) as ChatBody;
    const user = body.messages.find((m) => m.role === "user")?.content ?? "{}";
    const rows = (JSON.parse(user) as { transactions?: FakeTxnRow[] }).transactions ?? [];
    const props = body.response_format?.json_schema?.schema?.properties?.results?.items?.properties ?? {};
    const accountIds = props.account_id?.enum ?? [];
    state.requests.push({
      model: body.model,
      rows,
      accountIds,
      refs: props.ref?.enum ?? [],
      startedAt: Date.now(),
    });

    const scripted = queue.shift();
    if (scripted && "delayMs" in scripted) await wait(scripted.delayMs);
    else await wait(state.latencyMs);
    if (scripted && "status" in scripted) {
      return send(
        scripted.status,
        scripted.body ?? { error: { message: "scripted failure" } },
        scripted.headers,
      );
    }
    if (scripted && "malformed" in scripted) {
      return send(200, completion(body.model, "Sure! Here are the categories: {results: [oops"));
    }
    const results = rows.flatMap((row) => {
      const a = state.answer(row, accountIds);
      return a ? [{ ref: row.ref, reason: "fake", ...a }] : [];
    });
    send(200, completion(body.model, JSON.stringify({ results })));
  }

  const server = createServer((req, res) => {
    inFlight++;
    state.maxInFlight = Math.max(state.maxInFlight, inFlight);
    res.on("close", () => {
      inFlight--;
    });
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: String(error) } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    get requests() {
      return state.requests;
    },
    get maxInFlight() {
      return state.maxInFlight;
    },
    get latencyMs() {
      return state.latencyMs;
    },
    set latencyMs(ms: number) {
      state.latencyMs = ms;
    },
    get answer() {
      return state.answer;
    },
    set answer(fn) {
      state.answer = fn;
    },
    script: (...responses) => {
      queue.push(...responses);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
