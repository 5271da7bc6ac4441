import type { EncodingName } from "./types.js";

/**
 * Picks the encoding from the first bytes: a BOM, else the null-byte pattern of UTF-16
 * (ASCII text in UTF-16 has a zero in every other byte), else UTF-8 if the bytes are
 * valid UTF-8, else Windows-1252 — the superset of Latin-1 that Excel on Windows writes.
 */
export function detectEncoding(head: Uint8Array): { encoding: EncodingName; bomLength: number } {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: "utf-8", bomLength: 3 };
  if (head[0] === 0xff && head[1] === 0xfe) return { encoding: "utf-16le", bomLength: 2 };
  if (head[0] === 0xfe && head[1] === 0xff) return { encoding: "utf-16be", bomLength: 2 };
  const sample = Math.min(head.length - (head.length % 2), 4096);
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < sample; i += 2) {
    if (head[i] === 0) evenZeros++;
    if (head[i + 1] === 0) oddZeros++;
  }
  const pairs = sample / 2;
  // 30 %: even text full of non-Latin characters keeps its delimiters and digits ASCII.
  if (pairs >= 2 && oddZeros > pairs * 0.3 && evenZeros < pairs * 0.05)
    return { encoding: "utf-16le", bomLength: 0 };
  if (pairs >= 2 && evenZeros > pairs * 0.3 && oddZeros < pairs * 0.05)
    return { encoding: "utf-16be", bomLength: 0 };
  return { encoding: isValidUtf8Prefix(head) ? "utf-8" : "windows-1252", bomLength: 0 };
}

function isValidUtf8Prefix(bytes: Uint8Array): boolean {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(0, completeUtf8Length(bytes)));
    return true;
  } catch {
    return false;
  }
}

/** Length of the prefix that does not end inside a multi-byte UTF-8 sequence. */
function completeUtf8Length(bytes: Uint8Array): number {
  for (let back = 1; back <= 3 && back <= bytes.length; back++) {
    const byte = bytes[bytes.length - back]!;
    if ((byte & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead
    const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return needed > back ? bytes.length - back : bytes.length;
  }
  return bytes.length;
}

/**
 * Decodes chunk by chunk. A file detected as UTF-8 whose later bytes turn out not to be
 * UTF-8 switches to Windows-1252 from that chunk on (`switched` tells the caller), which is
 * what a mostly-ASCII Latin-1 export with a first accent deep in the file needs.
 */
export class ChunkDecoder {
  encoding: EncodingName;
  switched = false;
  private carry = new Uint8Array(0);
  private decoder: TextDecoder;

  constructor(encoding: EncodingName) {
    this.encoding = encoding;
    this.decoder = new TextDecoder(encoding === "string" ? "utf-8" : encoding, { ignoreBOM: false });
  }

  decode(chunk: Uint8Array): string {
    if (this.encoding !== "utf-8") return this.decoder.decode(chunk, { stream: true });
    const bytes = this.carry.length === 0 ? chunk : concat(this.carry, chunk);
    const cut = completeUtf8Length(bytes);
    this.carry = bytes.slice(cut);
    try {
      return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes.subarray(0, cut));
    } catch {
      this.encoding = "windows-1252";
      this.switched = true;
      this.decoder = new TextDecoder("windows-1252");
      const all = bytes;
      this.carry = new Uint8Array(0);
      return this.decoder.decode(all, { stream: true });
    }
  }

  end(): string {
    if (this.encoding === "utf-8") {
      const rest = this.carry;
      this.carry = new Uint8Array(0);
      return rest.length === 0 ? "" : new TextDecoder("windows-1252").decode(rest);
    }
    return this.decoder.decode();
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
