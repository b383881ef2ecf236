/**
 * Builds a committed revision into results/.builds/<commit>/ (`git archive`, then that
 * revision's own scripts/build.mjs), so a long run measures exactly one known build — on a
 * shared working tree, dist/ is rebuilt by every test run and may hold half-finished work.
 * The build folder gets a package.json and the project's node_modules (hard links), so the
 * server finds its packages and forks the worker bundle built beside it. Built once per commit,
 * then reused.
 */
import { existsSync } from 'node:fs';
import { mkdir, rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { PROJECT_ROOT } from './processes.js';

export interface BuiltRevision {
  /** The full commit hash. */
  commit: string;
  /** The server bundle to run (`serverEntry`). */
  serverEntry: string;
}

export async function buildRevision(ref: string, log: (line: string) => void = () => undefined): Promise<BuiltRevision> {
  const { stdout } = await execa('git', ['rev-parse', '--verify', `${ref}^{commit}`], { cwd: PROJECT_ROOT });
  const commit = stdout.trim();
  const dir = join(PROJECT_ROOT, 'results', '.builds', commit);
  const serverEntry = join(dir, 'dist', 'server.js');
  if (existsSync(serverEntry) && existsSync(join(dir, 'dist', 'worker.cjs'))) return { commit, serverEntry };

  log(`building ${ref} (${commit.slice(0, 10)}) into ${join('results', '.builds', commit.slice(0, 10))}…`);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const archive = join(dir, 'source.tar');
  await execa('git', ['archive', '--format=tar', `--output=${archive}`, commit], { cwd: PROJECT_ROOT });
  await execa('tar', ['-xf', archive, '-C', dir]);
  await rm(archive);
  await linkNodeModules(dir);
  await execa(process.execPath, ['scripts/build.mjs'], { cwd: dir, stdio: 'inherit' });
  return { commit, serverEntry };
}

/**
 * The project's node_modules inside the build folder as a tree of hard links (`cp -al`: no copy
 * of the data, a few seconds), so that bundlers see packages at `node_modules/…` inside it. Through
 * a symlink esbuild reports them at their real path outside the build, and a revision whose
 * dashboard build checks where its inputs come from refuses them. A symlink when hard links fail
 * (another file system).
 */
async function linkNodeModules(dir: string): Promise<void> {
  const source = join(PROJECT_ROOT, 'node_modules');
  try {
    await execa('cp', ['-al', source, join(dir, 'node_modules')]);
  } catch {
    await rm(join(dir, 'node_modules'), { recursive: true, force: true });
    await symlink(source, join(dir, 'node_modules'), 'dir');
  }
}
