import Value from 'typebox/value';
import { ContentConfig } from './content-config-schema.js';

export class ContentConfigError extends Error {
  override name = 'ContentConfigError';
  readonly code = 'INVALID_CONTENT_CONFIG';
  constructor(readonly problems: string[]) {
    super(`invalid content config: ${problems.join('; ')}`);
  }
}

/** Returns `input` as a `ContentConfig`, or throws `ContentConfigError` listing the problems. */
export function parseContentConfig(input: unknown): ContentConfig {
  if (Value.Check(ContentConfig, input)) return input;
  const problems = [...Value.Errors(ContentConfig, input)]
    .filter((e) => e.keyword !== 'boolean')
    .map((e) => `${e.instancePath || '/'}: ${e.message}`);
  throw new ContentConfigError(problems);
}
