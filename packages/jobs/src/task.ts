import { type InputIssue, JobsError } from "./errors.js";
import {
  type BackoffOptions,
  type Json,
  type KeyContext,
  MAX_PRIORITY,
  type StandardSchemaV1,
  type TaskContext,
  type TaskDefinition,
  type TypeLimits,
} from "./types.js";

export const DEFAULT_RETRIES = 3;
export const DEFAULT_TIMEOUT_MS = 15 * 60 * 1000;

/**
 * Any task, whatever its input type: what a queue holds. `never` in the parameter positions lets a
 * `TaskDefinition<{ company_id: number }>` be stored here without `any`.
 */
export interface AnyTask {
  readonly name: string;
  readonly input: StandardSchemaV1<unknown, unknown>;
  readonly handler: (ctx: TaskContext<never>) => unknown;
  readonly retries?: number | undefined;
  readonly backoff?: BackoffOptions | undefined;
  readonly timeoutMs?: number | undefined;
  readonly dedupeKey?: ((input: never) => string | null) | undefined;
  readonly priority?: number | undefined;
  readonly concurrency?:
    | { limit: number; key?: ((input: never, ctx: KeyContext) => string) | undefined }
    | undefined;
  readonly rateLimit?:
    | { max: number; perMs: number; key?: ((input: never, ctx: KeyContext) => string) | undefined }
    | undefined;
}

/** The rate bucket of a task whose rateLimit has no key: one bucket for the whole task. */
export const TASK_RATE_BUCKET = "*";

const TASK_NAME = /^[a-z][a-z0-9_.:-]{0,99}$/i;

/** A Standard Schema with any input and output types. */
export type AnySchema = StandardSchemaV1<unknown, unknown>;
/** What a schema accepts: the type `enqueue` takes (fields with defaults may be left out). */
export type SchemaInput<S extends AnySchema> =
  NonNullable<S["~standard"]["types"]> extends { readonly input: infer I } ? I : unknown;
/** What a schema produces: the type the handler's `ctx.input` has. */
export type SchemaOutput<S extends AnySchema> = S extends StandardSchemaV1<unknown, infer O> ? O : unknown;

/** A task as defineTask returns it: a {@link TaskDefinition} that keeps its schema's exact type. */
export type Task<S extends AnySchema, R extends Json = Json> = Omit<
  TaskDefinition<SchemaOutput<S>, R>,
  "input"
> & {
  readonly input: S;
};

/**
 * Declares a typed task: the handler's `ctx.input` is the schema's output type, and `queue.enqueue`
 * takes the schema's input type.
 */
export function defineTask<S extends AnySchema, R extends Json>(definition: Task<S, R>): Task<S, R> {
  if (!TASK_NAME.test(definition.name)) {
    throw new TypeError(
      `Task name "${definition.name}" is not valid: use letters, digits, "_", ".", ":" or "-", starting with a letter.`,
    );
  }
  if (typeof definition.input?.["~standard"]?.validate !== "function") {
    throw new TypeError(
      `Task "${definition.name}" needs an input schema that implements Standard Schema (zod 4, valibot, arktype).`,
    );
  }
  const retries = definition.retries ?? DEFAULT_RETRIES;
  if (!Number.isInteger(retries) || retries < 0) {
    throw new TypeError(`Task "${definition.name}": retries must be a whole number ≥ 0, got ${retries}.`);
  }
  if (definition.priority !== undefined)
    checkPriority(definition.priority, `Task "${definition.name}": priority`);
  const { concurrency, rateLimit } = definition;
  if (concurrency !== undefined) {
    positiveInteger(concurrency.limit, `Task "${definition.name}": concurrency.limit`);
    if (concurrency.key !== undefined && typeof concurrency.key !== "function") {
      throw new TypeError(
        `Task "${definition.name}": concurrency.key must be a function (input, ctx) => string.`,
      );
    }
  }
  if (rateLimit !== undefined) {
    positiveInteger(rateLimit.max, `Task "${definition.name}": rateLimit.max`);
    positiveInteger(rateLimit.perMs, `Task "${definition.name}": rateLimit.perMs`);
    if (rateLimit.key !== undefined && typeof rateLimit.key !== "function") {
      throw new TypeError(
        `Task "${definition.name}": rateLimit.key must be a function (input, ctx) => string.`,
      );
    }
  }
  return Object.freeze({ ...definition });
}

/** Refuses a priority that is not a whole number 0–MAX_PRIORITY, naming `field` and the value. */
export function checkPriority(value: unknown, field: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > MAX_PRIORITY) {
    throw new TypeError(
      `${field} must be a whole number from 0 to ${MAX_PRIORITY} (higher runs first), got ${JSON.stringify(value)}.`,
    );
  }
  return value;
}

function positiveInteger(value: unknown, field: string): void {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 1) {
    throw new TypeError(`${field} must be a whole number ≥ 1, got ${JSON.stringify(value)}.`);
  }
}

/** The limits of the tasks that declare some, by task name; undefined when none does (the fast claim). */
export function limitsOf(tasks: Iterable<AnyTask>): Record<string, TypeLimits> | undefined {
  let limits: Record<string, TypeLimits> | undefined;
  for (const task of tasks) {
    if (task.concurrency === undefined && task.rateLimit === undefined) continue;
    limits ??= {};
    limits[task.name] = {
      ...(task.concurrency ? { concurrency: task.concurrency.limit } : {}),
      ...(task.rateLimit ? { rate: { max: task.rateLimit.max, perMs: task.rateLimit.perMs } } : {}),
    };
  }
  return limits;
}

/** The concurrency and rate keys a new job of `task` gets. */
export function keysOf(
  task: AnyTask,
  validated: unknown,
  ctx: KeyContext,
): { concurrencyKey: string | null; rateKey: string | null } {
  const concurrencyKey =
    task.concurrency === undefined ? null : (task.concurrency.key?.(validated as never, ctx) ?? ctx.tenantId);
  const rateKey =
    task.rateLimit === undefined ? null : (task.rateLimit.key?.(validated as never, ctx) ?? TASK_RATE_BUCKET);
  for (const [field, key] of [
    ["concurrency.key", concurrencyKey],
    ["rateLimit.key", rateKey],
  ] as const) {
    if (key !== null && (typeof key !== "string" || key.length === 0 || key.length > 500)) {
      throw new JobsError(
        "invalid_input",
        `Task "${task.name}": ${field} returned ${JSON.stringify(key)}; it must return a non-empty string of at most 500 characters.`,
      );
    }
  }
  return { concurrencyKey, rateKey };
}

export function maxAttemptsOf(task: AnyTask): number {
  return (task.retries ?? DEFAULT_RETRIES) + 1;
}

type Issues = ReadonlyArray<{ readonly message: string; readonly path?: ReadonlyArray<unknown> }>;
type Validated = { readonly value: unknown; readonly issues?: undefined } | { readonly issues: Issues };

function pathOf(path: ReadonlyArray<unknown> | undefined): string {
  if (!path) return "";
  return path
    .map((segment) =>
      typeof segment === "object" && segment !== null && "key" in segment
        ? String(segment.key)
        : String(segment),
    )
    .join(".");
}

function unwrap(taskName: string, result: Validated): unknown {
  if (result.issues === undefined) return result.value;
  const issues: InputIssue[] = result.issues.map((issue) => ({
    path: pathOf(issue.path),
    message: issue.message,
  }));
  const summary = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join("; ");
  throw new JobsError("invalid_input", `The input for task "${taskName}" is not valid: ${summary}`, {
    issues,
  });
}

/**
 * Validates `input` with the task's schema. Returns the parsed value synchronously when the schema is
 * synchronous (the common case, and the worker's hot path) and a promise only when it is not.
 * Throws (or rejects with) JobsError("invalid_input") listing every field that was wrong.
 */
export function validateInput(task: AnyTask, input: unknown): unknown {
  const result = task.input["~standard"].validate(input);
  if (result instanceof Promise) return result.then((r: Validated) => unwrap(task.name, r));
  return unwrap(task.name, result);
}
