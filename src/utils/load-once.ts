/**
 * The cached promise for `key`, or a new one from `load()`, cached. A load that fails is dropped
 * from the cache (unless something replaced it meanwhile), so the next call tries again.
 */
export function loadOnce<K, V>(cache: Map<K, Promise<V>>, key: K, load: () => Promise<V>): Promise<V> {
  let entry = cache.get(key);
  if (!entry) {
    const loading = load();
    cache.set(key, loading);
    loading.catch(() => {
      if (cache.get(key) === loading) cache.delete(key);
    });
    entry = loading;
  }
  return entry;
}
