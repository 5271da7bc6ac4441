/** From whatever the caller has (bytes, a string, a stream of chunks) to decoded text chunks. */
import { ChunkDecoder, detectEncoding } from "./decode.js";
import { CsvFormatError } from "./errors.js";
import { rejectNonText } from "./file-kind.js";
import type { Line } from "./records.js";
import type { EncodingName } from "./types.js";

export type CsvSource = Uint8Array | string | AsyncIterable<Uint8Array>;

// Enough bytes to see a BOM, a UTF-16 pattern and the first accented character.
const HEAD_BYTES = 64 * 1024;
const STRING_CHUNK = 64 * 1024;

export interface TextSource {
  encoding: () => EncodingName;
  chunks: AsyncIterable<string>;
  /** Releases the caller's stream (e.g. a file handle) when parsing stops early. */
  close: () => Promise<void>;
}

function tooLarge(maxBytes: number): CsvFormatError {
  return new CsvFormatError(
    "too-large",
    `The file is larger than ${formatSize(maxBytes)}, the most one import accepts; export a shorter date range and import each part.`,
  );
}

function formatSize(bytes: number): string {
  const trim = (n: number) => n.toFixed(1).replace(/\.0$/, "");
  if (bytes >= 1024 * 1024) return `${trim(bytes / 1024 / 1024)} MB`;
  return bytes >= 1024 ? `${trim(bytes / 1024)} KB` : `${bytes} bytes`;
}

export async function openText(source: CsvSource, maxBytes: number): Promise<TextSource> {
  if (typeof source === "string") {
    if (Buffer.byteLength(source, "utf8") > maxBytes) throw tooLarge(maxBytes);
    if (source.trim() === "")
      throw new CsvFormatError(
        "empty",
        "The file is empty; export the statement from your bank as CSV and upload that file.",
      );
    const text = source.startsWith("\ufeff") ? source.slice(1) : source;
    return {
      close: async () => {},
      encoding: () => "string",
      chunks: (async function* () {
        for (let i = 0; i < text.length; i += STRING_CHUNK) yield text.slice(i, i + STRING_CHUNK);
      })(),
    };
  }
  const iterator = (source instanceof Uint8Array ? oneChunk(source) : source)[Symbol.asyncIterator]();
  const headParts: Uint8Array[] = [];
  let headLength = 0;
  let done = false;
  while (headLength < HEAD_BYTES) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    headParts.push(next.value);
    headLength += next.value.length;
  }
  const head = Buffer.concat(headParts);
  try {
    if (headLength > maxBytes) throw tooLarge(maxBytes);
    rejectNonText(head);
  } catch (error) {
    if (!done) await iterator.return?.();
    throw error;
  }
  const { encoding, bomLength } = detectEncoding(head);
  const decoder = new ChunkDecoder(encoding);
  const chunks = (async function* () {
    yield decoder.decode(head.subarray(bomLength));
    let total = headLength;
    while (!done) {
      const next = await iterator.next();
      if (next.done) {
        done = true;
        break;
      }
      total += next.value.length;
      if (total > maxBytes) throw tooLarge(maxBytes);
      yield decoder.decode(next.value);
    }
    yield decoder.end();
  })();
  const close = async () => {
    if (done) return;
    done = true;
    await iterator.return?.();
  };
  return { encoding: () => decoder.encoding, chunks, close };
}

async function* oneChunk(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  // Large buffers go in slices so decoding and splitting never hold two full copies.
  for (let i = 0; i < bytes.length; i += HEAD_BYTES) yield bytes.subarray(i, i + HEAD_BYTES);
}

/** Splits text chunks into lines on CRLF, LF or CR, numbering them from 1; one array per chunk. */
export async function* splitLines(chunks: AsyncIterable<string>): AsyncGenerator<Line[]> {
  let buffer = "";
  let line = 0;
  for await (const chunk of chunks) {
    buffer += chunk;
    const lines: Line[] = [];
    let start = 0;
    // Each search result is kept until passed: re-searching for a CR absent from an LF file
    // from every line start would scan the rest of the chunk per line (quadratic).
    let lf = -2;
    let cr = -2;
    for (;;) {
      if (lf !== -1 && lf < start) lf = buffer.indexOf("\n", start);
      if (cr !== -1 && cr < start) cr = buffer.indexOf("\r", start);
      let end = lf < 0 ? cr : cr < 0 ? lf : Math.min(lf, cr);
      if (end < 0) break;
      // A CR at the very end may be the first half of a CRLF split across chunks.
      if (end === buffer.length - 1 && buffer[end] === "\r") break;
      const text = buffer.slice(start, end);
      if (buffer[end] === "\r" && buffer[end + 1] === "\n") end++;
      start = end + 1;
      lines.push({ line: ++line, text });
    }
    buffer = buffer.slice(start);
    if (lines.length > 0) yield lines;
  }
  if (buffer.endsWith("\r")) buffer = buffer.slice(0, -1);
  if (buffer !== "") yield [{ line: ++line, text: buffer }];
}
