import type { ScheduleInfo } from "@ledgerflow/jobs";
import { scheduleToWire } from "../domain/wire.js";
import type { Runtime } from "../runtime/open.js";

const when = (ms: number | null) =>
  ms === null ? "—" : new Date(ms).toISOString().replace("T", " ").slice(0, 16);

function print(schedules: readonly ScheduleInfo[], json: boolean): void {
  if (json) {
    process.stdout.write(
      `${JSON.stringify(schedules.map((s) => ({ tenant_id: s.tenantId, ...scheduleToWire(s) })))}\n`,
    );
    return;
  }
  if (schedules.length === 0) {
    process.stdout.write("No schedules.\n");
    return;
  }
  for (const s of schedules) {
    const state = s.paused ? "paused" : "active";
    process.stdout.write(
      `${s.name.padEnd(36)} ${state.padEnd(6)}  ${s.cron.padEnd(12)} ${(s.timezone ?? "UTC").padEnd(18)} next ${when(s.nextFireAt)} UTC  last ${when(s.lastFireAt)}  ${s.task}  ${s.tenantId}\n`,
    );
  }
}

/** `ledgerflow schedules ls`: every tenant's schedules (the CLI is the operator's tool). */
export async function listSchedulesCommand(runtime: Runtime, json: boolean): Promise<void> {
  print(await runtime.queue.schedules(), json);
}

/** `ledgerflow schedules pause|resume NAME`. */
export async function pauseScheduleCommand(
  runtime: Runtime,
  name: string,
  paused: boolean,
  json: boolean,
): Promise<void> {
  print([await runtime.queue.setSchedulePaused(name, paused)], json);
}
