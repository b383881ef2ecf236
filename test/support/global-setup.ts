import { execFileSync } from 'node:child_process';

// Integration and e2e tests fork the bundled worker and server, so build them once per run.
export default function setup(): void {
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
}
