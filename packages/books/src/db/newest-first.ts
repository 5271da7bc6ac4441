import type { SelectQueryBuilder } from "kysely";
import { decodeCursor, encodeCursor } from "./cursor.js";
import { BooksError } from "./errors.js";
import type { Database } from "./schema.js";

/** Tables listed newest first by their (date, id) key. */
type DatedTable = "transactions" | "journal_entries";

/**
 * One page of `query` ordered date desc, id desc, starting after `cursor` (a previous page's
 * `nextCursor`). `limit` defaults to 50 and is clamped to 1…500.
 */
export async function newestFirstPage<T extends DatedTable, Row extends { date: string; id: string }>(
  query: SelectQueryBuilder<Database, T, Row>,
  options: { cursor?: string | null; limit?: number },
): Promise<{ page: Row[]; nextCursor: string | null }> {
  const limit = Math.min(Math.max(options.limit ?? 50, 1), 500);
  // Both tables have the date and id columns; Kysely cannot see that through the generic T.
  let keyed = query as unknown as SelectQueryBuilder<Database, "transactions", Row>;
  if (options.cursor) {
    const after = decodeCursor(options.cursor);
    if (!after)
      throw new BooksError("invalid", "cursor is not valid: pass the nextCursor of a previous page");
    const [date, id] = after;
    keyed = keyed.where((eb) =>
      eb.or([eb("date", "<", date), eb.and([eb("date", "=", date), eb("id", "<", id)])]),
    );
  }
  // One row more than the page tells whether another page follows.
  const rows = await keyed
    .orderBy("date", "desc")
    .orderBy("id", "desc")
    .limit(limit + 1)
    .execute();
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { page, nextCursor: rows.length > limit && last ? encodeCursor([last.date, last.id]) : null };
}
