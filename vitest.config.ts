import { defineConfig } from 'vitest/config';

// Three projects: pure logic (unit), real sockets and processes on one machine (integration),
// and slow end-to-end runs (e2e). `npm test` runs all three.
export default defineConfig({
  test: {
    // Most tests wait on sockets and child processes, not the CPU: three files at a time keep a
    // 2-core machine busy (vitest's default there is one). Timing-sensitive checks await events.
    maxWorkers: 3,
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
          // Pure logic: files can share their worker's module cache (see integration).
          isolate: false,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          // Files share their worker's module cache: loading the app (Fastify, mongoose, the
          // driver…) afresh for each of ~90 files was half of this project's CPU. Each file starts
          // and stops its own servers, stores and children; none mocks a module or edits
          // process.env.
          isolate: false,
          globalSetup: ['test/support/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/support/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
          // One file at a time in one worker that keeps its module cache (each file starts and
          // stops its own processes); in a group after unit and integration, as before.
          isolate: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
