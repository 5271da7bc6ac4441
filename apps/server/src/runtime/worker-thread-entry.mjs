// The worker thread's entry. Threads start without the main thread's tsx loader: run from the sources
// (tests, tsx) it registers tsx here; run from the build (dist/, `npm start`) the compiled module sits
// beside this file (scripts/build.mjs copies it there).
import { existsSync } from "node:fs";

const compiled = new URL("./worker-thread-main.js", import.meta.url);
if (existsSync(compiled)) {
  await import(compiled.href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import("./worker-thread-main.ts");
}
