/** Errors the books repositories throw; the server maps `code` to an HTTP status (404, 400, 409). */
export type BooksErrorCode = "not_found" | "invalid" | "conflict";

export class BooksError extends Error {
  override readonly name = "BooksError";
  constructor(
    readonly code: BooksErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Another tenant's id and an unknown id look the same: not found. */
export function notFound(what: string, id: string): BooksError {
  return new BooksError("not_found", `${what} ${id} was not found`);
}
