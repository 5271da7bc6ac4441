// The worker thread's entry: threads start without the main thread's tsx loader, so register it here.
import { register } from "tsx/esm/api";

register();
await import("./worker-thread-main.ts");
