/**
 * Runs jobs one at a time, in arrival order. Every money-moving step (submission, fill
 * recording, cancellation, reconciliation, exits) goes through one of these, so two steps never
 * interleave on the same order, balance or position (seed: "Order submission: Sequential").
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private waiting = 0;

  /** Jobs queued or running. */
  get depth(): number {
    return this.waiting;
  }

  run<T>(job: () => Promise<T>): Promise<T> {
    this.waiting += 1;
    const result = this.tail.then(job, job);
    this.tail = result.then(
      () => {
        this.waiting -= 1;
      },
      () => {
        this.waiting -= 1;
      },
    );
    return result;
  }

  /** Resolves once every job queued so far has finished. */
  async drain(): Promise<void> {
    await this.tail;
  }
}
