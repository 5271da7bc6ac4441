import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLocalLlmCategorizer, localLlmConfigFromEnv } from "../src/categorize/llm/local.js";
import type { Account, TxnForCategorize } from "../src/categorize/types.js";

/**
 * node-llama-cpp is optional and no test can download a model, so these tests go as far as the model
 * file: configuration, a missing binding, a missing file, and — where the binding is installed — a
 * file that is not a GGUF model, read by the real llama.cpp loader. Answering needs a real model.
 */

const accounts: Account[] = [
  { id: "acc_meals", code: "6200", name: "Meals & Entertainment", type: "expense" },
];
const txns: TxnForCategorize[] = [
  { id: "t1", date: "2025-01-02", description: "STARBUCKS 123", payee: null, amountCents: -550 },
];

/** Where a developer installed the binding: the repository, or NODE_LLAMA_CPP_DIR (a node_modules/node-llama-cpp). */
function bindingLoader(): (() => Promise<unknown>) | null {
  const dir = process.env.NODE_LLAMA_CPP_DIR;
  if (dir && existsSync(join(dir, "dist/index.js"))) return () => import(join(dir, "dist/index.js"));
  return null;
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "ledgerflow-local-llm-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("LLM_PROVIDER=local", () => {
  it("is off unless LLM_PROVIDER is local, and asks for a model path when it is", () => {
    expect(localLlmConfigFromEnv({ LLM_MODEL_PATH: "/m.gguf" })).toBeNull();
    expect(localLlmConfigFromEnv({ LLM_PROVIDER: "Local", LLM_MODEL_PATH: " /m.gguf " })).toEqual({
      modelPath: "/m.gguf",
    });
    expect(() => localLlmConfigFromEnv({ LLM_PROVIDER: "local" })).toThrow(/needs LLM_MODEL_PATH/);
  });

  it("says which package to install when node-llama-cpp is missing, and categorizes nothing", async () => {
    const llm = createLocalLlmCategorizer(
      { modelPath: join(dir, "model.gguf") },
      { load: () => Promise.reject(new Error("Cannot find package 'node-llama-cpp'")) },
    );
    expect(llm.enabled).toBe(true);
    expect(llm.provider).toBe("local:model.gguf");
    const answer = await llm.categorize({ txns, accounts });
    expect(answer).toMatchObject({ status: "error", results: [null] });
    expect(answer.status === "error" && answer.error).toMatch(/run `npm install node-llama-cpp`/);
  });

  it("names the model file when it does not exist", async () => {
    const llm = createLocalLlmCategorizer(
      { modelPath: join(dir, "missing.gguf") },
      { load: async () => ({}) },
    );
    const answer = await llm.categorize({ txns, accounts });
    expect(answer.status === "error" && answer.error).toMatch(
      /missing\.gguf does not exist: set LLM_MODEL_PATH/,
    );
  });

  const load = bindingLoader();
  it.skipIf(!load)(
    "refuses a file that is not a GGUF model through the real binding (runs only where NODE_LLAMA_CPP_DIR points at an installed node-llama-cpp)",
    async () => {
      const path = join(dir, "not-a-model.gguf");
      await writeFile(path, "this is not a model");
      const llm = createLocalLlmCategorizer({ modelPath: path }, { load: load! });
      const answer = await llm.categorize({ txns, accounts });
      expect(answer.status === "error" && answer.error).toMatch(
        /not-a-model\.gguf could not be loaded \(.*GGUF.*\): it must be a GGUF model file/,
      );
    },
    60_000,
  );
});
