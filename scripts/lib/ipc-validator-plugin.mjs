// An esbuild plugin for the worker bundle: replaces src/ipc/parse-parent.ts with a module of the
// same export whose check is generated at build time, by TypeBox's Code(), from the same
// ParentMessage schema. The worker then carries a few KB of plain checks instead of TypeBox
// itself, which would add about 5 MiB to every worker process (docs/performance.md).
// Plain JavaScript: scripts/build.mjs runs on Node without a TypeScript loader.
import { dirname } from 'node:path';
import { build } from 'esbuild';

const PARSE_PARENT = /[\\/]src[\\/]ipc[\\/]parse-parent\.ts$/;
const GENERATED = 'ipc-validator:parent-check';

/** Stands in for parse-parent.ts: the same parse, without field-level detail in the reason. */
const PARSE_PARENT_AOT = `
import { Check } from '${GENERATED}';
import { ParentOp } from './ops.js';
import type { ParentMessage } from './parent-messages.js';
import { type MessageValidator, type ParseResult, parseWith } from './parse-result.js';

const validator: MessageValidator<ParentMessage> = {
  types: new Set<string>(Object.values(ParentOp)),
  check: Check as (raw: unknown) => raw is ParentMessage,
  fieldErrors: () => [],
};

export function parseParentMessage(raw: unknown): ParseResult<ParentMessage> {
  return parseWith(validator, raw);
}
`;

/** The check module TypeBox generates for ParentMessage, with its regular expressions set. */
async function generateParentCheck(root) {
  const bundled = await build({
    absWorkingDir: root,
    stdin: {
      contents: `import { Code } from 'typebox/compile';
import { ParentMessage } from './src/ipc/parent-messages.ts';
export default Code(ParentMessage);`,
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    logLevel: 'warning',
  });
  const source = bundled.outputFiles[0].text;
  const { default: generated } = await import(`data:text/javascript;base64,${Buffer.from(source).toString('base64')}`);
  const variables = generated.External.variables.map(String).join(', ');
  return `${generated.Code}\nSetExternal({ variables: [${variables}] });\n`;
}

export function ipcValidatorPlugin() {
  return {
    name: 'ipc-validator',
    setup(build) {
      const root = build.initialOptions.absWorkingDir ?? process.cwd();
      build.onLoad({ filter: PARSE_PARENT }, (args) => ({
        contents: PARSE_PARENT_AOT,
        loader: 'ts',
        resolveDir: dirname(args.path),
      }));
      build.onResolve({ filter: new RegExp(`^${GENERATED}$`) }, () => ({ path: GENERATED, namespace: 'ipc-validator' }));
      build.onLoad({ filter: /.*/, namespace: 'ipc-validator' }, async () => ({
        contents: await generateParentCheck(root),
        loader: 'js',
        resolveDir: root,
      }));
    },
  };
}
