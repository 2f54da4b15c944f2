/*
 * Runs async tasks one after another. The local provider queues its writes per instance so that
 * concurrent requests in one process do not race for the same ref locks; the lock files and
 * compare-and-swap in RefStore still protect against other processes.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    // the next task waits for this one whatever its outcome
    this.tail = result.catch(() => undefined);
    return result;
  }
}
