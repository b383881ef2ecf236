/**
 * Keeps Node's internal undici unloaded while the bundle's modules load. Node defines `FormData`
 * (like `Headers`, `Request`, `Response`) as a lazy global: the first *read* loads its whole
 * internal undici (http2, readline, assert, worker_threads, web streams…, ≈ 35 ms of CPU per
 * worker start under the worker's V8 flags). @discordjs/rest reads it at load only to fill it in
 * where it is missing (`globalThis.FormData ??= …`), which on Node ≥ 18 it never is. So the
 * entry holds it — a placeholder that is not nullish — while the modules load, and puts Node's
 * lazy accessor back right after (`releaseWebGlobals`): uploads made later get the real one.
 */
const HELD = ['FormData'] as const;

/** Stands in for the held globals during module loading only; nothing may construct it. */
class HeldWebGlobal {
  constructor() {
    throw new Error('a web global was used while the worker bundle was loading (workers/lib/web-globals.ts)');
  }
}

const saved = new Map<string, PropertyDescriptor>();
for (const name of HELD) {
  const descriptor = Object.getOwnPropertyDescriptor(globalThis, name);
  // Only Node's lazy accessor; a plain value (already loaded, or defined by someone) stays.
  if (!descriptor?.get || !descriptor.configurable) continue;
  saved.set(name, descriptor);
  Object.defineProperty(globalThis, name, { value: HeldWebGlobal, configurable: true, writable: true });
}

/** Puts Node's own lazy globals back; call once the bundle's modules have loaded. */
export function releaseWebGlobals(): void {
  for (const [name, descriptor] of saved) {
    if ((globalThis as Record<string, unknown>)[name] === HeldWebGlobal) Object.defineProperty(globalThis, name, descriptor);
  }
  saved.clear();
}
