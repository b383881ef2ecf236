import type { BuildOptions, BuildResult } from 'esbuild';

/** Bundles the dashboard (esbuild `overrides` on top, for tests) and refuses foreign inputs. */
export function bundleWeb(overrides?: BuildOptions): Promise<BuildResult<{ metafile: true }>>;

/** Builds dist/web with .br and .gz copies; answers each file's size. */
export function buildWeb(): Promise<Record<string, { bytes: number; brotli: number }>>;
