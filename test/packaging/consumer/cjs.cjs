// The same engine from CommonJS: require() of the ES-module packages (Node 20.19+ loads them
// synchronously), and one module instance shared with import().
const { mkdtempSync } = require("node:fs");
const { tmpdir } = require("node:os");
const path = require("node:path");
const jobs = require("@ledgerflow/jobs");
const { createSqliteStore } = require("@ledgerflow/jobs/sqlite");

async function main() {
  const echo = jobs.defineTask({
    name: "echo",
    input: { "~standard": { version: 1, vendor: "consumer", validate: (value) => ({ value }) } },
    handler: async ({ input }) => ({ echoed: input.text }),
  });
  const dir = mkdtempSync(path.join(tmpdir(), "ledgerflow-consumer-cjs-"));
  const queue = jobs.createQueue({
    store: createSqliteStore({ path: path.join(dir, "jobs.db") }),
    tasks: [echo],
  });
  await queue.init();
  const worker = jobs.createWorker(queue, { concurrency: 1 });
  worker.start();
  const { job } = await queue.enqueue(echo, { text: "from require" }, { tenantId: "t1" });
  const done = await jobs.waitForJob(queue, { tenantId: "t1", jobId: job.id, status: "complete" });
  await worker.stop();
  await queue.close();
  const imported = await import("@ledgerflow/jobs");
  console.log(
    JSON.stringify({
      status: done.status,
      result: done.result,
      sameModule: imported.JobsError === jobs.JobsError && imported.createQueue === jobs.createQueue,
    }),
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
