import { execFileSync } from 'node:child_process';
import { buildFixtureChild } from './fixture-child.js';

// Integration and e2e tests fork the bundled worker and server, and the supervisor tests a
// bundled stand-in worker, so build them once per run.
export default async function setup(): Promise<void> {
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
  await buildFixtureChild();
}
