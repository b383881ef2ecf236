import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// The repository's docs and comments must stand alone: no pointers to files outside it (a
// shared folder of design notes, its section numbers). Built from parts so this file does not
// match itself.
const ROOT = resolve(import.meta.dirname, '../../..');
const OUTSIDE = new RegExp(
  [
    '\\.\\./' + 'shared',
    '/work/' + 'shared',
    'ARCHI' + 'TECTURE(\\.md)?\\s*§',
    'ARCHI' + 'TECTURE\\.md',
    // The other shared design notes, by file name.
    'EMBEDDED' + '_STORE\\.md',
    'FAKE' + '_DISCORD\\.md',
    '\\bST' + 'YLE\\.md',
  ].join('|'),
);
const SCANNED = ['README.md', 'docs', 'src', 'workers', 'scripts', 'fake-discord', 'bench', 'test', 'web', 'deploy', 'assets', '.ci', 'Dockerfile', 'docker-compose.yml', 'package.json'];

function files(path: string): string[] {
  const full = join(ROOT, path);
  if (!statSync(full).isDirectory()) return [full];
  return readdirSync(full, { withFileTypes: true }).flatMap((e) =>
    e.name === 'node_modules' ? [] : e.isDirectory() ? files(join(path, e.name)) : /\.(md|ts|mts|mjs|js|json|ya?ml|html|css|sh)$/.test(e.name) ? [join(full, e.name)] : [],
  );
}

describe('docs are self-contained', () => {
  it('no file points at documents outside the repository', () => {
    const offenders = SCANNED.flatMap(files).flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .map((line, i) => (OUTSIDE.test(line) ? `${relative(ROOT, file)}:${i + 1}: ${line.trim()}` : undefined))
        .filter((x): x is string => x !== undefined),
    );
    expect(offenders).toEqual([]);
  });
});
