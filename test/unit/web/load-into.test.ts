import { describe, expect, it } from 'vitest';
import { loadInto } from '../../../web/src/load-into.js';

// The Accounts and Account pages load through loadInto at mount and after a live `reset`: a
// failed load's error note must go once a later load is answered.
describe('loadInto', () => {
  it('shows a failed load as an error note, keeps what was shown, and clears the note at the next answered load', async () => {
    const shown: string[] = [];
    let error: unknown = null;
    const setError = (e: unknown) => {
      error = e;
    };
    const show = (value: string) => shown.push(value);

    await loadInto(Promise.resolve('first'), show, setError);
    expect({ shown, error }).toEqual({ shown: ['first'], error: null });

    const outage = new Error('The database is not answering');
    await loadInto(Promise.reject(outage), show, setError);
    expect({ shown, error }).toEqual({ shown: ['first'], error: outage });

    await loadInto(Promise.resolve('after the outage'), show, setError);
    expect({ shown, error }).toEqual({ shown: ['first', 'after the outage'], error: null });
  });
});
