/**
 * Where `value` stops being JSON that survives a round trip (JSON.stringify then parse gives it
 * back equal), as a path like "result.rows[2].when" with what was found; null when it is JSON.
 */
export function nonJsonAt(value: unknown, path = "result", seen = new Set<object>()): string | null {
  if (value === null || typeof value === "string" || typeof value === "boolean") return null;
  if (typeof value === "number")
    return Number.isFinite(value) ? null : `${path} is ${value} (not a finite number)`;
  if (typeof value !== "object") return `${path} is a ${typeof value}`;
  if (seen.has(value)) return `${path} refers back to itself (a cycle)`;
  seen.add(value);
  try {
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const found = nonJsonAt(value[i], `${path}[${i}]`, seen);
        if (found !== null) return found;
      }
      return null;
    }
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      const kind = (value as { constructor?: { name?: string } }).constructor?.name ?? "object";
      return `${path} is a ${kind}, not a plain object`;
    }
    for (const [key, item] of Object.entries(value)) {
      if (item === undefined) return `${path}.${key} is undefined`;
      const found = nonJsonAt(item, `${path}.${key}`, seen);
      if (found !== null) return found;
    }
    return null;
  } finally {
    seen.delete(value);
  }
}
