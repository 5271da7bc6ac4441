/** One Server-Sent Events message (the `event:`/`data:`/`id:` fields of one block). */
export interface SseMessage {
  event: string;
  data: string;
  id: string | null;
}

/**
 * Reads a `text/event-stream` body and calls `onMessage` per message until the stream ends.
 * Parsed by hand over fetch rather than with EventSource, because EventSource cannot send the
 * `Authorization: Bearer` header the API requires.
 */
export async function readServerSentEvents(
  body: ReadableStream<Uint8Array>,
  onMessage: (message: SseMessage) => void,
): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  let event = "";
  let data: string[] = [];
  let id: string | null = null;

  const dispatch = () => {
    if (data.length > 0) onMessage({ event: event || "message", data: data.join("\n"), id });
    event = "";
    data = [];
  };

  const handleLine = (line: string) => {
    if (line === "") {
      dispatch();
      return;
    }
    if (line.startsWith(":")) return; // a comment, used by servers as a keep-alive
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "event") event = value;
    else if (field === "data") data.push(value);
    else if (field === "id") id = value;
  };

  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      const lines = buffer.split(/\r\n|\r|\n/);
      buffer = lines.pop() ?? "";
      for (const line of lines) handleLine(line);
    }
    // A message without its closing blank line was cut off: the SSE spec discards it.
  } finally {
    reader.releaseLock();
  }
}
