/** Runs async tasks one after another: incoming messages must be decrypted in arrival order. */
export class SerialQueue {
  #tail: Promise<void> = Promise.resolve();

  /**
   * Queues `task`; its failure is reported to `onError` and never blocks the tasks after it.
   * The returned promise rejects when `onError` throws (a caller that wants the error back);
   * the queue itself goes on either way.
   */
  push(task: () => Promise<void>, onError: (error: unknown) => void): Promise<void> {
    const run = this.#tail.then(task).catch(onError);
    this.#tail = run.catch(() => undefined);
    return run;
  }

  /** Resolves (never rejects) once everything queued so far has run. */
  idle(): Promise<void> {
    return this.#tail;
  }
}
