import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ipcValidatorPlugin } from '../../../scripts/lib/ipc-validator-plugin.mjs';
import { ParentMessage, parseParentMessage } from '../../../src/ipc/index.js';
import { fieldBreakages, parentMessages, requiredFields } from './examples.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
let dir: string;
let bundled: typeof parseParentMessage;
let bundledInputs: string[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ipc-aot-'));
  const outfile = join(dir, 'parse-parent.mjs');
  const result = await build({
    absWorkingDir: root,
    entryPoints: ['src/ipc/parse-parent.ts'],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    logLevel: 'warning',
    metafile: true,
    plugins: [ipcValidatorPlugin()],
  });
  bundledInputs = Object.keys(result.metafile.inputs);
  ({ parseParentMessage: bundled } = (await import(pathToFileURL(outfile).href)) as { parseParentMessage: typeof parseParentMessage });
  // A build, not a check: generous for a busy machine.
}, 60_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

// The worker bundle carries a check generated at build time instead of TypeBox's compiler.
describe('the parent-message check as bundled into the worker', () => {
  const cases = [
    ...parentMessages.map((m) => [`a well-formed ${m.type}`, m] as const),
    ...parentMessages.flatMap((m) =>
      fieldBreakages(m as Record<string, unknown>, requiredFields(ParentMessage, m.type)).map(
        ([name, raw]) => [`${m.type}: ${name}`, raw] as const,
      ),
    ),
    ...parentMessages.map((m) => [`${m.type} with an unknown field`, { ...m, extra: 1 }] as const),
    ['another version', { v: 2, type: 'init' }] as const,
    ['an unknown type', { v: 1, type: 'nope' }] as const,
    ['not an object', 'x'] as const,
  ];

  it('carries no TypeBox', () => {
    expect(bundledInputs.filter((path) => /node_modules[\\/]typebox[\\/]build[\\/](type|compile)[\\/]/.test(path))).toEqual([]);
    expect(bundledInputs.some((path) => path.startsWith('ipc-validator:'))).toBe(true);
  });

  it.each(cases)('decides %s as the compiled validator does', (_name, raw) => {
    const expected = parseParentMessage(raw);
    const actual = bundled(raw);
    expect(actual.ok).toBe(expected.ok);
    if (!actual.ok && !expected.ok) expect(expected.reason.startsWith(actual.reason)).toBe(true);
  });
});
