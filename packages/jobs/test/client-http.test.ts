import { describe, expect, it } from "vitest";
import {
  createHttpJobSource,
  JobFetchError,
  readServerSentEvents,
  type SseMessage,
} from "../src/client/index.js";

function streamOf(...chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
}

describe("readServerSentEvents", () => {
  it("joins data lines, honours event names, skips comments and drops a message cut off at the end", async () => {
    const messages: SseMessage[] = [];
    await readServerSentEvents(
      streamOf(
        ': keep-alive\n\nevent: progress\ndata: {"a"',
        ":1}\n\ndata: x\r\ndata: y\r\n\n",
        "data: partial",
      ),
      (m) => messages.push(m),
    );
    expect(messages).toEqual([
      { event: "progress", data: '{"a":1}', id: null },
      { event: "message", data: "x\ny", id: null },
    ]);
  });
});

describe("createHttpJobSource", () => {
  const job = { id: "job_1", status: "running", progress: 10 };

  it("sends the caller's headers and returns the job", async () => {
    let seen: Headers | undefined;
    const source = createHttpJobSource({
      headers: () => ({ authorization: "Bearer lf_test" }),
      fetch: async (_url, init) => {
        seen = new Headers(init?.headers);
        return Response.json(job);
      },
    });
    await expect(source.fetchJob("job_1", new AbortController().signal)).resolves.toEqual(job);
    expect(seen?.get("authorization")).toBe("Bearer lf_test");
  });

  it.each([
    [404, "not_found", false],
    [401, "unauthorized", false],
    [400, "http", false],
    [429, "http", true],
    [503, "http", true],
  ])("maps HTTP %i to %s (retryable: %s)", async (status, code, retryable) => {
    const source = createHttpJobSource({
      fetch: async () => Response.json({ error: { code: "x", message: "server says no" } }, { status }),
    });
    const err = await source.fetchJob("job_1", new AbortController().signal).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JobFetchError);
    expect(err).toMatchObject({ code, retryable });
  });

  it("treats a failed fetch as a retryable network error", async () => {
    const source = createHttpJobSource({
      fetch: async () => {
        throw new TypeError("Failed to fetch");
      },
    });
    const err = await source.fetchJob("job_1", new AbortController().signal).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "network", retryable: true });
  });

  it("streams job updates from the events endpoint", async () => {
    const source = createHttpJobSource({
      fetch: async (url) => {
        expect(String(url)).toBe("/api/jobs/job_1/events");
        return new Response(
          streamOf(`data: ${JSON.stringify(job)}\n\n`, 'data: {"job":{"status":"complete"}}\n\n'),
        );
      },
    });
    const updates: unknown[] = [];
    await source.openEvents("job_1", (u) => updates.push(u), new AbortController().signal);
    expect(updates).toEqual([job, { status: "complete" }]);
  });
});
