import type { Plugin } from 'esbuild';

/** Replaces src/ipc/parse-parent.ts in the worker bundle with a check generated at build time. */
export function ipcValidatorPlugin(): Plugin;
