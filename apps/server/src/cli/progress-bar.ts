import type { WireJob } from "@ledgerflow/jobs";

const WIDTH = 30;

/**
 * Draws a job's progress on a terminal: one redrawn line on a TTY, otherwise a line per change
 * (so logs of CI runs stay readable).
 */
export function createProgressBar(out: NodeJS.WriteStream = process.stderr) {
  let last = "";
  return {
    update(job: Pick<WireJob, "status" | "progress" | "message">) {
      const filled = Math.round((job.progress / 100) * WIDTH);
      const bar = `[${"#".repeat(filled)}${"-".repeat(WIDTH - filled)}] ${String(Math.round(job.progress)).padStart(3)}%`;
      const line = `${bar} ${job.status}${job.message ? ` — ${job.message}` : ""}`;
      if (line === last) return;
      last = line;
      if (out.isTTY) out.write(`\r\x1b[2K${line.slice(0, (out.columns ?? 100) - 1)}`);
      else out.write(`${line}\n`);
    },
    done() {
      if (out.isTTY && last) out.write("\n");
    },
  };
}
