import { RE2JS } from 're2js';
import { CommandError } from '../errors.js';

const FLAG_BITS: Record<string, number> = { i: RE2JS.CASE_INSENSITIVE, m: RE2JS.MULTILINE, s: RE2JS.DOTALL };

/**
 * A RegExp whose matching runs on RE2 (re2js): time linear in the input whatever the pattern, so a
 * query such as `{name: {$regex: '(a+)+$'}}` cannot hold the store. mingo only calls `exec` and
 * `test`, which are overridden; the JS engine never runs the pattern. RE2 has no look-around and
 * no back-references: such patterns are refused with mongod's invalid-regex code.
 */
export class LinearRegExp extends RegExp {
  readonly #re2: RE2JS;

  constructor(pattern: string, flags: string) {
    super('(?:)');
    let bits = 0;
    for (const flag of flags) bits |= FLAG_BITS[flag] ?? 0;
    try {
      this.#re2 = RE2JS.compile(pattern, bits);
    } catch (error) {
      throw new CommandError('Location51091', `Regular expression is invalid: ${(error as Error).message}`);
    }
  }

  override exec(input: string): RegExpExecArray | null {
    return this.#re2.exec(input) as RegExpExecArray | null;
  }

  override test(input: string): boolean {
    return this.#re2.test(input);
  }
}

/** The RE2 form of a JS RegExp (other values pass through). */
export function linearOf(value: unknown): unknown {
  if (!(value instanceof RegExp) || value instanceof LinearRegExp) return value;
  return new LinearRegExp(value.source, value.flags);
}
