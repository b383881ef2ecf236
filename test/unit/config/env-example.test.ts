import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EnvSchema } from '../../../src/config/env-schema.js';

// The README sends people to .env.example for every setting: it must name each one the server reads.
describe('.env.example', () => {
  it('documents every variable of the env schema', () => {
    const example = readFileSync(new URL('../../../.env.example', import.meta.url), 'utf8');
    const named = new Set([...example.matchAll(/^#? ?([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]));
    expect(Object.keys(EnvSchema.properties).filter((name) => !named.has(name))).toEqual([]);
  });
});
