import { randomBytes } from "node:crypto";

/** `prefix_` + 128 random bits, URL-safe: unguessable, so an id alone never grants access. */
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(16).toString("base64url")}`;
}
