/**
 * Stands in for the `undici` package in the worker bundle (esbuild `alias`): discord.js and
 * @discordjs/rest only take `fetch`, `Headers` and `FormData` from it, which Node ships built in.
 * Node's copy is compiled into the binary, so the worker neither parses nor keeps ~700 KB of
 * undici source. The exports are getters: reading Node's `Headers`/`FormData` loads its internal
 * undici, which start-up avoids (node-http-request.ts); `fetch` itself is a function that loads
 * it on its first call. CommonJS, so that the exports can be getters.
 */
export = {
  get fetch(): typeof globalThis.fetch {
    return globalThis.fetch;
  },
  get Headers(): typeof globalThis.Headers {
    return globalThis.Headers;
  },
  get FormData(): typeof globalThis.FormData {
    return globalThis.FormData;
  },
  /** @discordjs/rest's default strategy; unused because the client passes its own `makeRequest`. */
  request(): never {
    throw new Error('undici.request is not bundled into the worker; the client passes rest.makeRequest');
  },
};
