import fastJson from 'fast-json-stringify';
import { Type } from '../common-schemas.js';
import type { AccountDoc, AccountLive, AccountService } from '../../services/account-service.js';
import { presentLastError, presentStored, presentWorker } from './present.js';
import { Account, LastError, Worker } from './schemas.js';

/**
 * `GET /api/accounts` written as JSON straight from the stored documents, the API's most frequent
 * answer. Building each account as an object to serialise it again made garbage of every field
 * on every request. Here the fields the document decides are serialised once per document object
 * — the owner's account cache hands out the same objects until a write or its TTL — and only the
 * fields the worker decides are written per request. Same schemas as the other account routes
 * (fast-json-stringify, as Fastify uses), so the same JSON, bar the order of keys.
 */

/** The fields `presentLive` fills, written by `liveJson`; everything else is the document's. */
const LIVE_KEYS = ['botUserId', 'botUsername', 'state', 'lastError', 'worker', 'node'] as const;

const storedJson = fastJson(Type.Omit(Account, [...LIVE_KEYS]));
const workerJson = fastJson(Worker);
const lastErrorJson = fastJson(LastError);
const nullable = (text: string | null): string => (text === null ? 'null' : JSON.stringify(text));

/** Each document's own fields as a JSON object without its closing brace. */
const storedFragments = new WeakMap<AccountDoc, string>();

function storedFragment(accounts: AccountService, doc: AccountDoc): string {
  let fragment = storedFragments.get(doc);
  if (fragment === undefined) {
    fragment = storedJson(presentStored(accounts.stored(doc))).slice(0, -1);
    storedFragments.set(doc, fragment);
  }
  return fragment;
}

function liveJson(live: AccountLive): string {
  const lastError = live.lastError ? lastErrorJson(presentLastError(live.lastError)) : 'null';
  const worker = live.worker ? workerJson(presentWorker(live.worker)) : 'null';
  return (
    `"botUserId":${nullable(live.botUserId)},"botUsername":${nullable(live.botUsername)},"state":${JSON.stringify(live.state)},` +
    `"lastError":${lastError},"worker":${worker},"node":${nullable(live.node)}`
  );
}

/** The `AccountPage` JSON of one page of stored accounts. */
export function accountPageJson(accounts: AccountService, page: { items: AccountDoc[]; nextCursor: string | null }): string {
  let items = '';
  for (const doc of page.items) {
    items += `${items === '' ? '' : ','}${storedFragment(accounts, doc)},${liveJson(accounts.live(doc))}}`;
  }
  return `{"items":[${items}],"nextCursor":${nullable(page.nextCursor)}}`;
}
