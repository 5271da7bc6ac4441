/**
 * Lets queued I/O and timers run between chunks (setImmediate runs after the poll phase), so a
 * 3,000-row job never holds the event loop for more than one chunk — the HTTP server in the same
 * process keeps answering, and the worker's heartbeats keep their lease.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
