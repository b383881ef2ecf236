import { isAscii } from 'node:buffer';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { constants as vmConstants, Script } from 'node:vm';

/**
 * A V8 code cache for one CommonJS bundle: the bytecode V8 compiled for it, stored beside the
 * bundle so the next process deserialises instead of parsing and compiling 2.4 MB again.
 *
 * The file's name is its key (the bundle's content hash; the Node and V8 versions and the Node
 * flags, which V8 checks too), and a header repeats the key and carries a digest of the payload:
 * V8 itself only compares the source's *length*, so a cache of another bundle of the same length
 * would be taken, and a flipped bit in the payload is not always caught. Writes go to a temporary
 * file renamed into place, so processes starting together never read a half-written cache.
 */

/** What became of the cache when the bundle was compiled. */
export type CacheStatus =
  /** V8 used it (`script.cachedDataRejected === false`). */
  | 'accepted'
  /** No cache for this key yet. */
  | 'absent'
  /** The file failed our own checks (header, key, digest): not given to V8. */
  | 'corrupt'
  /** V8 refused it (`cachedDataRejected`): compiled from source instead. */
  | 'rejected';

export interface BundleRun {
  status: CacheStatus;
  /** Where the cache for this bundle and runtime lives. */
  cacheFile: string;
  /** The bundle's `module.exports` after it ran. */
  exports: unknown;
  /** Writes the cache unless it was accepted or another process has written it meanwhile. */
  save(): SaveOutcome;
}

export type SaveOutcome = 'written' | 'kept' | { failed: string };

const MAGIC = 'dac-v8-code-cache/1';
const DIGEST_BYTES = 32;
const sha256 = (data: string | Buffer): Buffer => createHash('sha256').update(data).digest();

/** Node and V8 versions, architecture and Node flags: what makes V8 refuse a cache besides the source. */
export function runtimeKey(execArgv: readonly string[] = process.execArgv): string {
  const runtime = [process.version, process.versions.v8, process.arch, ...execArgv].join('\0');
  return `${process.version}-${sha256(runtime).toString('hex').slice(0, 8)}`;
}

export function cacheFileFor(bundlePath: string, bundleHash: string, runtime = runtimeKey()): string {
  return join(dirname(bundlePath), `${basename(bundlePath)}.${bundleHash}.${runtime}.code-cache`);
}

/** Header line (magic, key) + sha256 of the payload + the payload. */
export function encodeCache(key: string, payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${MAGIC} ${key}\n`), sha256(payload), payload]);
}

/** The payload, or undefined when the file is not a whole, undamaged cache for `key`. */
export function decodeCache(key: string, file: Buffer): Buffer | undefined {
  const header = Buffer.from(`${MAGIC} ${key}\n`);
  if (file.length <= header.length + DIGEST_BYTES || !file.subarray(0, header.length).equals(header)) return undefined;
  const digest = file.subarray(header.length, header.length + DIGEST_BYTES);
  const payload = file.subarray(header.length + DIGEST_BYTES);
  return sha256(payload).equals(digest) ? payload : undefined;
}

function readIfPresent(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Caches of this bundle's older builds: each rebuild would otherwise leave one behind. */
function pruneOtherBuilds(cacheFile: string, bundlePath: string, bundleHash: string): void {
  const prefix = `${basename(bundlePath)}.`;
  for (const name of readdirSync(dirname(cacheFile))) {
    if (name.startsWith(prefix) && name.endsWith('.code-cache') && !name.startsWith(`${prefix}${bundleHash}.`)) {
      try {
        unlinkSync(join(dirname(cacheFile), name));
      } catch {
        // Another process pruned it first.
      }
    }
  }
}

/**
 * Compiles and runs a CommonJS bundle as Node's loader would (same wrapper, `require` resolving
 * from the bundle's folder), with the code cache when there is a valid one.
 */
export function runBundle(bundlePath: string): BundleRun {
  const source = readFileSync(bundlePath);
  const bundleHash = sha256(source).toString('hex').slice(0, 16);
  const key = `${bundleHash} ${runtimeKey()}`;
  const cacheFile = cacheFileFor(bundlePath, bundleHash);
  const stored = readIfPresent(cacheFile);
  const cachedData = stored && decodeCache(key, stored);

  // An ASCII bundle (the worker's is) decodes as Latin-1 in a fraction of UTF-8's time, same string.
  const text = isAscii(source) ? source.toString('latin1') : source.toString('utf8');
  const script = new Script(Module.wrap(text), {
    filename: bundlePath,
    ...(cachedData && { cachedData }),
    // `import()` in the bundle (optional native add-ons) behaves as in a module Node loaded.
    importModuleDynamically: vmConstants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const status: CacheStatus = !stored ? 'absent' : !cachedData ? 'corrupt' : script.cachedDataRejected ? 'rejected' : 'accepted';

  const module = new Module(bundlePath);
  module.filename = bundlePath;
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper.call(module.exports, module.exports, createRequire(bundlePath), module, bundlePath, dirname(bundlePath));
  module.loaded = true;

  return {
    status,
    cacheFile,
    exports: module.exports,
    save() {
      if (status === 'accepted') return 'kept';
      // Another process of the same start-up wave may have written it while this one started.
      if (status === 'absent' && existsSync(cacheFile)) return 'kept';
      const temporary = `${cacheFile}.${process.pid}.tmp`;
      try {
        // Created now, the cache also holds every function compiled while the bundle started.
        writeFileSync(temporary, encodeCache(key, script.createCachedData()));
        renameSync(temporary, cacheFile);
        pruneOtherBuilds(cacheFile, bundlePath, bundleHash);
        return 'written';
      } catch (error) {
        try {
          unlinkSync(temporary);
        } catch {
          // Never created.
        }
        return { failed: error instanceof Error ? error.message : String(error) };
      }
    },
  };
}
