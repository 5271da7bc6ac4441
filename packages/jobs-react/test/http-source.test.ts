import type { JobUpdate, WireChildCounts } from "@ledgerflow/jobs/client";
import { describe, expect, it } from "vitest";
import { createHttpJobSource } from "../src/index.js";

function streamOf(...chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
}

const signal = () => new AbortController().signal;

describe("createHttpJobSource (jobs-react): the job, its flow and its stream's children counts", () => {
  it("reads GET /api/jobs/:id/flow with the caller's headers", async () => {
    const flow = {
      job_id: "job 1",
      steps: [],
      parent_id: null,
      batch_id: null,
      children: { total: 2, ended: 1, group_ids: ["g"], jobs: [] },
    };
    const seen: { url: string; auth: string | null }[] = [];
    const source = createHttpJobSource({
      baseUrl: "https://books.example",
      headers: () => ({ authorization: "Bearer lf_test" }),
      fetch: async (url, init) => {
        seen.push({ url: String(url), auth: new Headers(init?.headers).get("authorization") });
        return Response.json(flow);
      },
    });
    await expect(source.fetchFlow("job 1", signal())).resolves.toEqual(flow);
    expect(seen).toEqual([{ url: "https://books.example/api/jobs/job%201/flow", auth: "Bearer lf_test" }]);
  });

  it("maps a 404 of the flow to not_found, as for the job", async () => {
    const source = createHttpJobSource({
      fetch: async () => Response.json({ error: { code: "not_found", message: "no" } }, { status: 404 }),
    });
    await expect(source.fetchFlow("job_1", signal())).rejects.toMatchObject({
      code: "not_found",
      retryable: false,
    });
  });

  it("streams the job's messages and reports the children and child events' counts", async () => {
    const job = { id: "job_1", status: "pending", progress: 10 };
    const child = {
      child: { id: "job_1.c3", status: "complete", progress: 100, message: null },
      children: { total: 40, ended: 8 },
    };
    const source = createHttpJobSource({
      fetch: async (url) => {
        expect(String(url)).toBe("/api/jobs/job_1/events");
        return new Response(
          streamOf(
            `id: 1\ndata: ${JSON.stringify(job)}\n\n`,
            'event: children\ndata: {"total":40,"ended":7}\n\n',
            `event: child\ndata: ${JSON.stringify(child)}\n\n`,
            "event: children\ndata: not json\n\n",
            'data: {"job":{"status":"complete"}}\n\n',
          ),
        );
      },
    });
    const updates: JobUpdate[] = [];
    const counts: WireChildCounts[] = [];
    await source.openEvents(
      "job_1",
      (u) => updates.push(u),
      signal(),
      (c) => counts.push(c),
    );
    expect(updates).toEqual([job, { status: "complete" }]);
    expect(counts).toEqual([
      { total: 40, ended: 7 },
      { total: 40, ended: 8 },
    ]);
  });

  it("still reads jobs as before", async () => {
    const source = createHttpJobSource({
      fetch: async () => Response.json({ id: "job_1", status: "running" }),
    });
    await expect(source.fetchJob("job_1", signal())).resolves.toEqual({ id: "job_1", status: "running" });
  });
});
