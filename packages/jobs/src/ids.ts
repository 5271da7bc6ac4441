import { randomFillSync } from "node:crypto";

const ID_BYTES = 16;
// Refilling a pool amortises the crypto call: one syscall per 256 ids instead of one per id.
const pool = Buffer.alloc(ID_BYTES * 256);
let offset = pool.length;

/** `job_` + 22 base64url characters of 128 random bits: unguessable, URL-safe. */
export function newJobId(): string {
  if (offset === pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const id = pool.toString("base64url", offset, offset + ID_BYTES);
  offset += ID_BYTES;
  return `job_${id}`;
}
