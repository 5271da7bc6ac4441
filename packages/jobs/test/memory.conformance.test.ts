import { createMemoryStore } from "../src/memory/index.js";
import { runStoreConformance } from "./conformance/index.js";

runStoreConformance({ name: "memory", createStore: async (options) => createMemoryStore(options) });
