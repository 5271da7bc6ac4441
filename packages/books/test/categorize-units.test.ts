import { describe, expect, it } from "vitest";
import { isotonic } from "../src/categorize/history/calibration.js";
import { createLruCache, payeeKey } from "../src/categorize/index.js";
import {
  isRetryableStatus,
  MAX_RETRY_AFTER_MS,
  parseRetryAfter,
  retryDelayMs,
  sleep,
} from "../src/categorize/llm/backoff.js";
import { llmConfigFromEnv } from "../src/categorize/llm/config.js";
import { createLimiter } from "../src/categorize/llm/limiter.js";
import { MalformedAnswerError, parseAnswer } from "../src/categorize/llm/prompt.js";

describe("payeeKey", () => {
  const cases: [string, string | null, string][] = [
    ["POS PURCHASE STARBUCKS #123 SEATTLE WA", null, "starbucks"],
    ["STARBUCKS 5531 BELLEVUE WA", null, "starbucks"],
    ["SQ *BLUE BOTTLE COFFEE SAN FRANCISCO CA", null, "blue bottle"],
    ["STARBUCKS NEW YORK NY", null, "starbucks"],
    [
      "PURCHASE AUTHORIZED ON 01/05 SHELL SERVICE STATION SEATTLE WA S6597254 CARD 8473",
      null,
      "shell service",
    ],
    ["ZELLE PAYMENT TO JOHN SMITH CONF# 123", null, "john smith"],
    ["ELECTRONIC PAYMENT GUSTO TAX PPD ID: 123", null, "gusto tax"],
    ["CHECKCARD 0107 FEDEX 7815 SEATTLE WA 6154172646623794", null, "fedex"],
    ["CHECK 1234", null, ""],
    ["anything at all", "Blue Bottle Coffee", "blue bottle"],
    ["GITHUB INC", "  ", "github"],
  ];
  it.each(cases)("%s (payee %s) → %s", (description, payee, key) => {
    expect(payeeKey(description, payee)).toBe(key);
  });
});

describe("retry timing", () => {
  it("doubles from the base up to the cap, with jitter between half and all of it", () => {
    const opts = { baseMs: 100, capMs: 1_000 };
    expect([1, 2, 3, 4, 5].map((a) => retryDelayMs(a, opts, null, () => 1))).toEqual([
      100, 200, 400, 800, 1000,
    ]);
    expect([1, 2, 3].map((a) => retryDelayMs(a, opts, null, () => 0))).toEqual([50, 100, 200]);
  });

  it("uses the server's Retry-After instead, capped at a minute", () => {
    expect(retryDelayMs(1, { baseMs: 100, capMs: 1_000 }, 2_500)).toBe(2_500);
    expect(retryDelayMs(1, { baseMs: 100, capMs: 1_000 }, 3_600_000)).toBe(MAX_RETRY_AFTER_MS);
  });

  const headerCases: [string, Record<string, string>, number | null][] = [
    ["retry-after-ms", { "retry-after-ms": "250" }, 250],
    ["retry-after in seconds", { "retry-after": "3" }, 3_000],
    ["retry-after as an HTTP date", { "retry-after": new Date(1_000_000 + 5_000).toUTCString() }, 5_000],
    ["both: the milliseconds win", { "retry-after-ms": "40", "retry-after": "9" }, 40],
    ["unreadable", { "retry-after": "soon" }, null],
    ["absent", {}, null],
  ];
  it.each(headerCases)("reads %s", (_name, headers, expected) => {
    expect(parseRetryAfter(new Headers(headers), 1_000_000)).toBe(expected);
  });

  it.each([
    [429, true],
    [500, true],
    [503, true],
    [408, true],
    [400, false],
    [401, false],
    [404, false],
    [422, false],
  ])("status %i is retryable: %s", (status, expected) => {
    expect(isRetryableStatus(status)).toBe(expected);
  });

  it("sleep rejects with the signal's reason when aborted", async () => {
    const controller = new AbortController();
    const pending = sleep(60_000, controller.signal);
    controller.abort(new Error("stop"));
    await expect(pending).rejects.toThrow("stop");
  });
});

describe("createLimiter", () => {
  it("never runs more than the limit at once, and runs everything", async () => {
    const limit = createLimiter(2);
    let active = 0;
    let peak = 0;
    const gates: (() => void)[] = [];
    const runs = Array.from({ length: 6 }, (_, i) =>
      limit(async () => {
        active++;
        peak = Math.max(peak, active);
        await new Promise<void>((resolve) => gates.push(resolve));
        active--;
        return i;
      }),
    );
    for (let released = 0; released < 6; released++) {
      await new Promise((r) => setImmediate(r));
      expect(active).toBeLessThanOrEqual(2);
      expect(gates.length).toBeGreaterThan(0);
      gates.shift()!(); // its slot goes straight to the next waiter
    }
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(peak).toBe(2);
  });

  it("rejects a limit that is not a positive integer", () => {
    expect(() => createLimiter(0)).toThrow(/positive integer/);
  });
});

describe("createLruCache", () => {
  it("evicts the least recently used entry", () => {
    const cache = createLruCache(2);
    cache.set("t", "a", { accountId: "1", confidence: 0.8 });
    cache.set("t", "b", { accountId: "2", confidence: 0.8 });
    cache.get("t", "a");
    cache.set("t", "c", { accountId: "3", confidence: 0.8 });
    expect(cache.get("t", "b")).toBeUndefined();
    expect(cache.get("t", "a")?.accountId).toBe("1");
    expect(cache.size).toBe(2);
  });

  it("keeps scopes apart", () => {
    const cache = createLruCache();
    cache.set("tenant-a", "shop", { accountId: "1", confidence: 0.8 });
    expect(cache.get("tenant-b", "shop")).toBeUndefined();
  });
});

describe("parseAnswer", () => {
  it("keeps the well-formed rows and drops the others", () => {
    const rows = parseAnswer(
      JSON.stringify({
        results: [
          { ref: "1", account_id: "a", confidence: 0.7, reason: "r" },
          { ref: 2, account_id: "b" },
          { ref: "3" },
          "nonsense",
        ],
      }),
    );
    expect(rows).toEqual([
      { ref: "1", account_id: "a", confidence: 0.7, reason: "r" },
      { ref: "2", account_id: "b" },
    ]);
  });

  it.each([["not json"], [""], [JSON.stringify({ answers: [] })], [JSON.stringify([1, 2])]])(
    "throws MalformedAnswerError for %s",
    (content) => {
      expect(() => parseAnswer(content)).toThrow(MalformedAnswerError);
    },
  );
});

describe("llmConfigFromEnv", () => {
  it.each([
    [{}, null],
    [{ LLM_MODEL: "m" }, null],
    [{ LLM_BASE_URL: "http://127.0.0.1:1/v1" }, null],
    [
      { LLM_MODEL: "m", LLM_BASE_URL: "http://127.0.0.1:1/v1" },
      { model: "m", baseURL: "http://127.0.0.1:1/v1" },
    ],
    [
      { LLM_MODEL: " m ", LLM_API_KEY: "k" },
      { model: "m", apiKey: "k" },
    ],
    [{ LLM_MODEL: "", LLM_API_KEY: "k" }, null],
  ])("%j → %j", (env, expected) => {
    const config = llmConfigFromEnv(env);
    if (expected === null) expect(config).toBeNull();
    else expect(config).toMatchObject(expected);
  });
});

describe("isotonic", () => {
  it("returns a non-decreasing sequence, pooling violators by weight", () => {
    expect(isotonic([0.2, 0.6, 0.4, 0.9], [1, 1, 1, 1])).toEqual([0.2, 0.5, 0.5, 0.9]);
    expect(isotonic([0.5, 0.1], [3, 1])).toEqual([0.4, 0.4]);
    expect(isotonic([0.1, 0.2, 0.3], [1, 1, 1])).toEqual([0.1, 0.2, 0.3]);
  });
});
