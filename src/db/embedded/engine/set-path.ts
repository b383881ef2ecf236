import type { Doc } from '../bson/values.js';
import { formatValue, isPlainObject } from '../bson/values.js';
import { getOwn, setOwn } from '../bson/own-keys.js';
import { CommandError } from '../errors.js';

/** Sets a dotted path, creating intermediate documents; refuses to create a field inside a scalar. */
export function setPath(doc: Doc, path: string, value: unknown): void {
  const parts = path.split('.');
  let container: unknown = doc;
  for (let i = 0; i < parts.length - 1; i++) {
    const part = parts[i] as string;
    const next: unknown = Array.isArray(container) ? container[Number(part)] : getOwn(container as Doc, part);
    if (next === undefined || next === null) {
      const created: Doc = {};
      if (Array.isArray(container)) container[Number(part)] = created;
      else setOwn(container as Doc, part, created);
      container = created;
    } else if (isPlainObject(next) || Array.isArray(next)) {
      container = next;
    } else {
      throw new CommandError(
        'PathNotViable',
        `Cannot create field '${parts[i + 1]}' in element {${part}: ${formatValue(next)}}`,
      );
    }
  }
  const last = parts[parts.length - 1] as string;
  if (Array.isArray(container)) container[Number(last)] = value;
  else setOwn(container as Doc, last, value);
}
