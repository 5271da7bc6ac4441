import { type InputIssue, JobsError } from "./errors.js";
import type { BackoffOptions, Json, StandardSchemaV1, TaskContext, TaskDefinition } from "./types.js";

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
}

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
  return Object.freeze({ ...definition });
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
