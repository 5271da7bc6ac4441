import { JobsError } from "../errors.js";

/**
 * SQLSTATE classes and driver messages that mean "this connection is gone", not "this statement is
 * wrong": 57P01–57P03 (admin shutdown, crash shutdown, cannot connect now), 08xxx (connection
 * exceptions), and the socket errors pg surfaces when a backend is terminated mid-query.
 */
export function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && (/^57P0[123]$/.test(code) || code.startsWith("08"))) return true;
  if (typeof code === "string" && ["ECONNRESET", "ECONNREFUSED", "EPIPE", "ETIMEDOUT"].includes(code)) {
    return true;
  }
  return /Connection terminated|connection ended|Client has encountered a connection error|not queryable/i.test(
    error.message,
  );
}

/**
 * Runs `op`, and once more on a fresh pooled connection when the first one died under it (a
 * terminated backend, a failover). Every statement the store sends is safe to repeat: a lease-checked
 * write that already committed finds the lease gone and reports false, an insert finds its key taken.
 * A second connection failure becomes JobsError("store_unavailable"), which the worker backs off on.
 */
export async function withReconnect<T>(op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (error) {
    if (!isConnectionError(error)) throw error;
  }
  try {
    return await op();
  } catch (error) {
    if (!isConnectionError(error)) throw error;
    throw new JobsError(
      "store_unavailable",
      `PostgreSQL is unreachable (${(error as Error).message}); check that the server is up and DATABASE_URL is right.`,
      { cause: error },
    );
  }
}
