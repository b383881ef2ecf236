/**
 * Values loaded once per key, shared by every caller that asks while a load runs. A load that
 * fails is dropped (the next call tries again); `delete` drops a key, and a load that was under
 * way then is never kept. Once a load has settled its value is also readable synchronously
 * (`peek`), so a hot path need not await a settled promise for what is already known.
 */
export class LoadCache<K, V> {
  readonly #loading = new Map<K, Promise<V>>();
  readonly #loaded = new Map<K, V>();

  /** The key's value: the cached load, or a new one from `load()`. */
  get(key: K, load: () => Promise<V>): Promise<V> {
    const cached = this.#loading.get(key);
    if (cached) return cached;
    const loading = load();
    this.#loading.set(key, loading);
    loading.then(
      (value) => {
        // Only while it is still the current load: a `delete()` meanwhile dropped it.
        if (this.#loading.get(key) === loading) this.#loaded.set(key, value);
      },
      () => {
        if (this.#loading.get(key) === loading) this.#loading.delete(key);
      },
    );
    return loading;
  }

  /** The key's value once its load has settled; undefined before (or when it failed). */
  peek(key: K): V | undefined {
    return this.#loaded.get(key);
  }

  /** The key's load under way or settled, without starting one. */
  current(key: K): Promise<V> | undefined {
    return this.#loading.get(key);
  }

  delete(key: K): void {
    this.#loading.delete(key);
    this.#loaded.delete(key);
  }
}
