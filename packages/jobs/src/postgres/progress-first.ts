/**
 * Orders a job's completion after its progress write in flight. Completions and progress reports go
 * through separate batchers (postgres and redis), and a worker no longer waits for its last progress
 * write before completing (the completion carries the last message itself). Without this, the
 * completion could commit first and the progress write would find the lease gone: the final state is
 * the same, but subscribers would miss the job's progress event.
 */
export class ProgressFirst {
  private readonly inFlight = new Map<string, Promise<unknown>>();

  /** Remembers `write` as the job's progress write until it is answered; returns it. */
  track<T>(jobId: string, write: Promise<T>): Promise<T> {
    this.inFlight.set(jobId, write);
    const forget = () => {
      if (this.inFlight.get(jobId) === write) this.inFlight.delete(jobId);
    };
    write.then(forget, forget);
    return write;
  }

  /** Runs `next` now, or once the job's progress write in flight is answered (either way). */
  after<T>(jobId: string, next: () => Promise<T>): Promise<T> {
    const prior = this.inFlight.get(jobId);
    return prior === undefined ? next() : prior.then(next, next);
  }
}
