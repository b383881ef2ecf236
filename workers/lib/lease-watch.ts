/**
 * Fencing, the worker's side: the server renews the lease of this account every few seconds and
 * says for how long it holds. When it falls silent past that (paused, hung, cut off from its
 * database), another server may soon connect this bot, so this one must close its connection by
 * itself: `expired` is called once the last keepalive has run out.
 */
export class LeaseWatch {
  readonly #expired: (validForMs: number) => void;
  #timer: NodeJS.Timeout | undefined;

  constructor(expired: (validForMs: number) => void) {
    this.#expired = expired;
  }

  /** A keepalive: the lease holds for `validForMs` from now (0 or less: it has run out). */
  keep(validForMs: number): void {
    clearTimeout(this.#timer);
    const timer = setTimeout(() => {
      // A process paused or starved past the deadline runs its due timers before it reads what
      // the server sent meanwhile: a newer keepalive, or the shutdown that hands the session over
      // (fencing first would end that session, and the next owner would identify). Read the
      // channel first — I/O is polled before immediates run — then decide.
      setImmediate(() => {
        if (this.#timer === timer) this.#expired(validForMs);
      });
    }, Math.max(0, validForMs));
    this.#timer = timer;
  }

  /** No more watching (the worker is leaving anyway). */
  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
