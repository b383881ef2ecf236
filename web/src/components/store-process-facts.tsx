import type { StoreProcessFigures } from '../types.js';
import { dateAndTime } from '../words.js';

/**
 * The embedded store's own process, shown like the server's other figures. The server restarts a
 * store process that dies or hangs, so one that is not up is being restarted.
 */
export function StoreProcessFacts({ store }: { store: StoreProcessFigures }) {
  return (
    <>
      <h2>Embedded store process</h2>
      <dl class="facts store-process">
        <div><dt>State</dt><dd class={store.up ? 'state-ready' : 'state-backoff'}>{store.up ? 'up' : 'restarting'}</dd></div>
        <div><dt>Process id</dt><dd>{store.pid ?? 'none'}</dd></div>
        <div>
          <dt>{store.up ? 'Up since' : 'Last up since'}</dt>
          <dd><time dateTime={store.startedAt}>{dateAndTime(store.startedAt)}</time></dd>
        </div>
        <div><dt>Restarts after a crash</dt><dd>{store.restarts.crash}</dd></div>
        <div><dt>Restarts after a hang</dt><dd>{store.restarts.hang}</dd></div>
      </dl>
    </>
  );
}
