/**
 * Stands in for the `undici` package in the worker bundle (esbuild `alias`): discord.js and
 * @discordjs/rest only need `fetch`, `Headers` and `FormData` from it, which Node ships built in.
 * Node's copy is compiled into the binary, so the worker neither parses nor keeps ~700 KB of
 * undici source. REST requests go through `fetch` (`rest.makeRequest`, see client-factory.ts).
 */
export const fetch = globalThis.fetch;
export const Headers = globalThis.Headers;
export const FormData = globalThis.FormData;

/** @discordjs/rest's default strategy; unused because the client passes `makeRequest: fetch`. */
export function request(): never {
  throw new Error('undici.request is not bundled into the worker; use rest.makeRequest = fetch');
}
