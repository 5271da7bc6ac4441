// The bare Hono route the HTTP benchmark compares against: same runtime, same adapter, a JSON body
// of a job's size, and nothing else (no auth, no store, no logging).
import { serve } from "@hono/node-server";
import { Hono } from "hono";

const job = {
  id: "job_bench",
  type: "categorize_transactions",
  status: "running",
  progress: 42,
  message: "Categorizing transaction 42/100...",
  result: null,
  error: null,
  attempts: 1,
  max_attempts: 4,
  input: { company_id: "co_bench" },
  created_at: new Date().toISOString(),
  updated_at: new Date().toISOString(),
  run_at: new Date().toISOString(),
  started_at: new Date().toISOString(),
  finished_at: null,
  expires_at: null,
};

const app = new Hono();
app.get("/bare/:id", (c) => c.json({ ...job, id: c.req.param("id") }));
const server = serve(
  { fetch: app.fetch, port: Number(process.env.PORT ?? 0), hostname: "127.0.0.1" },
  (info) => {
    process.stdout.write(`bare route running at http://127.0.0.1:${info.port}\n`);
  },
);
process.once("SIGTERM", () => server.close(() => process.exit(0)));
