import { splitFields } from "./records.js";

const CANDIDATES = [",", ";", "\t", "|"] as const;

/**
 * The delimiter that splits the most lines into the same number (at least two) of fields.
 * Junk lines above the header and continuation rows fall outside that modal count, and a
 * comma inside `-17,22` of a `;` file does not split lines consistently.
 */
export function sniffDelimiter(lines: string[]): string {
  let best: { delimiter: string; score: number; width: number } = { delimiter: ",", score: 0, width: 0 };
  const sample = lines.filter((l) => l.trim() !== "").slice(0, 200);
  for (const delimiter of CANDIDATES) {
    const counts = new Map<number, number>();
    for (const line of sample) {
      const width = splitFields(line, delimiter).fields.length;
      if (width >= 2) counts.set(width, (counts.get(width) ?? 0) + 1);
    }
    for (const [width, score] of counts) {
      if (score > best.score || (score === best.score && width > best.width))
        best = { delimiter, score, width };
    }
  }
  return best.delimiter;
}
