import PQueue from 'p-queue';

/**
 * Where spawns wait: a queue of `concurrency` slots (a task holds its slot until its child has
 * loaded) with priorities, and a gate that lets one fork() run per event-loop turn.
 */
export class SpawnScheduler {
  readonly #queue: PQueue;
  readonly #onError: (err: unknown) => void;
  /** Serialises forks, one per event-loop turn (see nextForkTurn). */
  #forkGate: Promise<void> = Promise.resolve();

  constructor(concurrency: number, onError: (err: unknown) => void) {
    this.#queue = new PQueue({ concurrency });
    this.#onError = onError;
  }

  schedule(task: () => Promise<void>, priority: number): void {
    this.#queue.add(task, { priority }).catch(this.#onError);
  }

  /**
   * Resolves on an event-loop turn of its own for each caller in turn. fork() blocks the parent
   * until the child has exec'd — tens of ms on a busy machine — so forks run back to back (as
   * when several slots free at once) would add up to one long stall; spread over turns, the
   * server answers requests in between.
   */
  nextForkTurn(): Promise<void> {
    const turn = this.#forkGate.then(() => new Promise<void>((resolve) => setImmediate(resolve)));
    this.#forkGate = turn;
    return turn;
  }

  /** Drops every task still waiting for a slot. */
  clear(): void {
    this.#queue.clear();
  }
}
