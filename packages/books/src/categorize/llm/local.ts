import { stat } from "node:fs/promises";
import type { Account } from "../types.js";
import { type BatchAnswerer, createLlmCategorizer, type LlmCategorizer } from "./categorizer.js";
import { type AnswerRow, buildMessages, buildResponseFormat, type PromptRow, parseAnswer } from "./prompt.js";

/**
 * `LLM_PROVIDER=local`: a GGUF model run in this process through node-llama-cpp (llama.cpp bindings
 * whose prebuilt binaries install from the npm registry), with the answer constrained by a grammar
 * made from the same JSON schema the OpenAI path sends — account ids limited to the company's chart,
 * refs to the batch's rows. Batching, the per-payee cache and progress are the OpenAI path's own
 * (createLlmCategorizer); only the call differs.
 *
 * node-llama-cpp is an optional dependency, loaded on first use: it is large (llama.cpp builds per
 * platform) and most installs talk to an endpoint instead. Without it the categorizer reports a clear
 * error naming the package to install; nothing is faked.
 */

export interface LocalLlmConfig {
  /** Path of a GGUF model file (e.g. a 1–4 B instruct model, Q4 quantised). */
  modelPath: string;
  /** Transactions per prompt. Small models follow short prompts better. Default 10. */
  batchSize?: number;
  /** Tokens of context. Default 4096: the chart, ten rows and the answer fit. */
  contextSize?: number;
  /** CPU threads for llama.cpp; its own default when omitted. */
  threads?: number;
  /** The model's own confidence is capped, as on the OpenAI path. Default 0.9. */
  maxConfidence?: number;
  /** Longest answer, in tokens, per batch. Default 60 per row. */
  maxTokensPerRow?: number;
}

/** What this module uses of node-llama-cpp (v3), so the package stays optional for type checking too. */
interface LlamaBinding {
  getLlama(options: { build: "never"; gpu: false | "auto"; progressLogs: boolean }): Promise<Llama>;
  LlamaChatSession: new (options: { contextSequence: unknown; systemPrompt: string }) => ChatSession;
}
interface Llama {
  loadModel(options: { modelPath: string }): Promise<LlamaModel>;
  createGrammarForJsonSchema(schema: object): Promise<unknown>;
}
interface LlamaModel {
  createContext(options: { contextSize: number; threads?: number }): Promise<LlamaContext>;
}
interface LlamaContext {
  getSequence(): { dispose(): void };
}
interface ChatSession {
  prompt(
    text: string,
    options: { grammar: unknown; signal?: AbortSignal; maxTokens: number },
  ): Promise<string>;
  dispose(): void;
}

export type BindingLoader = () => Promise<unknown>;

// A variable specifier: TypeScript must not resolve the optional package at build time.
const PACKAGE = "node-llama-cpp";
const importBinding: BindingLoader = () => import(PACKAGE);

/** Reads LLM_PROVIDER=local with LLM_MODEL_PATH (or LLM_MODEL as the path); null otherwise. */
export function localLlmConfigFromEnv(
  env: Record<string, string | undefined> = process.env,
): LocalLlmConfig | null {
  if (env.LLM_PROVIDER?.trim().toLowerCase() !== "local") return null;
  const modelPath = (env.LLM_MODEL_PATH ?? env.LLM_MODEL)?.trim();
  if (!modelPath)
    throw new Error("LLM_PROVIDER=local needs LLM_MODEL_PATH: the path of a GGUF model file on this machine");
  return { modelPath };
}

/**
 * Loads the binding and the model, and returns the batch answerer. Every failure says what to do: the
 * package to install, the file that is missing or is not a GGUF model.
 */
export async function loadLocalModel(
  config: LocalLlmConfig,
  load: BindingLoader = importBinding,
): Promise<BatchAnswerer> {
  let binding: LlamaBinding;
  try {
    binding = (await load()) as LlamaBinding;
  } catch (error) {
    throw new Error(
      "LLM_PROVIDER=local needs the optional package node-llama-cpp: run `npm install node-llama-cpp` (its prebuilt llama.cpp binaries come from the npm registry)",
      { cause: error },
    );
  }
  const info = await stat(config.modelPath).catch(() => null);
  if (!info?.isFile())
    throw new Error(`the local model ${config.modelPath} does not exist: set LLM_MODEL_PATH to a GGUF file`);
  const llama = await binding.getLlama({ build: "never", gpu: "auto", progressLogs: false });
  let model: LlamaModel;
  try {
    model = await llama.loadModel({ modelPath: config.modelPath });
  } catch (error) {
    throw new Error(
      `the local model ${config.modelPath} could not be loaded (${error instanceof Error ? error.message : String(error)}): it must be a GGUF model file`,
      { cause: error },
    );
  }
  const context = await model.createContext({
    contextSize: config.contextSize ?? 4096,
    ...(config.threads ? { threads: config.threads } : {}),
  });
  const perRow = config.maxTokensPerRow ?? 60;
  return async (rows: PromptRow[], accounts: readonly Account[], signal: AbortSignal | undefined) => {
    const messages = buildMessages(rows, accounts);
    const system = messages[0]!.content;
    const user = messages[1]!.content;
    const grammar = await llama.createGrammarForJsonSchema(
      buildResponseFormat(rows, accounts).json_schema.schema,
    );
    // One sequence per batch, so no batch sees another's conversation; the limiter keeps it to one at a time.
    const sequence = context.getSequence();
    const session = new binding.LlamaChatSession({ contextSequence: sequence, systemPrompt: system });
    try {
      const text = await session.prompt(user, {
        grammar,
        maxTokens: 40 + perRow * rows.length,
        ...(signal ? { signal } : {}),
      });
      return parseAnswer(text) satisfies AnswerRow[];
    } finally {
      session.dispose();
      sequence.dispose();
    }
  };
}

/**
 * The local categorizer. The model loads on the first batch (seconds for a few-GB file), not at
 * start-up; a failed load is retried on the next job, and fails that job's LLM step with its reason.
 */
export function createLocalLlmCategorizer(
  config: LocalLlmConfig,
  options: { load?: BindingLoader } = {},
): LlmCategorizer {
  let loading: Promise<BatchAnswerer> | null = null;
  const answer: BatchAnswerer = async (rows, accounts, signal) => {
    loading ??= loadLocalModel(config, options.load).catch((error: unknown) => {
      loading = null;
      throw error;
    });
    return (await loading)(rows, accounts, signal);
  };
  const inner = createLlmCategorizer(
    {
      model: config.modelPath,
      batchSize: config.batchSize ?? 10,
      // One model, one context: batches take turns.
      concurrency: 1,
      maxConfidence: config.maxConfidence ?? 0.9,
    },
    { answer },
  );
  const local: LlmCategorizer & { provider: string } = {
    ...inner,
    provider: `local:${config.modelPath.split(/[\\/]/).pop()}`,
  };
  return local;
}
