/**
 * The seed's polling schedule: 1 s at first, ×1.5 after every 5 polls, never more than 5 s
 * (1000 ms for polls 0–4, 1500 for 5–9, 2250 for 10–14, 3375 for 15–19, then 5000).
 * `polls` is the number of answers received so far; the wait after the n-th answer is `nextDelay(n)`.
 */
export function nextDelay(polls: number): number {
  return Math.min(1000 * 1.5 ** Math.floor(polls / 5), 5000);
}

/**
 * Wait before retrying after `failures` consecutive network errors (1 s, 2 s, 4 s … capped at 30 s):
 * a server that is down should not be hammered at the polling rate, yet a blip recovers within a second.
 */
export function errorRetryDelay(failures: number): number {
  return Math.min(1000 * 2 ** Math.max(0, failures - 1), 30_000);
}
