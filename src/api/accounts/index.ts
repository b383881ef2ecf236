import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { type AccountSettings, CreateAccountInput, UpdateAccountInput } from '../../domain/account.js';
import { BadRequestError } from '../../services/errors.js';
import { errors, IdParams, Type } from '../common-schemas.js';
import { assertUsableContent, type ContentPolicy } from './content-check.js';
import { accountPageJson } from './page-json.js';
import { presentAccount } from './present.js';
import { assertUsableRule, type RegexWriteGate, regexWriteGate } from './rule-check.js';
import { Account, AccountPage, ListAccountsQuery } from './schemas.js';

/** Settings the body schema cannot judge alone. `current` is what an update merges into. */
async function assertUsableSettings(
  settings: AccountSettings | undefined,
  policy: ContentPolicy,
  gate: RegexWriteGate,
  current: AccountSettings = {},
): Promise<void> {
  if (!settings) return;
  assertUsableContent(settings.content, policy);
  const merged = { ...current, ...settings };
  if (merged.deliveryMode === 'channel' && !merged.channelId) {
    throw new BadRequestError('CHANNEL_REQUIRED', "settings.channelId is required when deliveryMode is 'channel'");
  }
  await assertUsableRule(settings.defaultRules, 'settings.defaultRules', gate);
}

const security = [{ bearerAuth: [] }];

const accountRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', app.authenticate);

  app.get(
    '',
    {
      schema: {
        tags: ['accounts'],
        summary: "The caller's accounts, newest first",
        security,
        querystring: ListAccountsQuery,
        response: { 200: AccountPage, ...errors(400, 401, 429) },
      },
    },
    async (request, reply) => {
      const page = await app.accounts.listStored(request.user.sub, request.query);
      // Already JSON of the AccountPage schema: Fastify sends a string as it is (untyped reply for that).
      return (reply as FastifyReply).type('application/json; charset=utf-8').send(accountPageJson(app.accounts, page));
    },
  );

  app.post(
    '',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Add a Discord bot account (stopped until started)',
        description: 'The token is encrypted at rest and never returned: answers carry only `tokenHint`.',
        security,
        body: CreateAccountInput,
        response: { 201: Account, ...errors(400, 401, 409, 413, 415, 429) },
      },
    },
    async (request, reply) => {
      await assertUsableSettings(request.body.settings, app.config, regexWriteGate(request, reply));
      const account = await app.accounts.create(request.user.sub, request.body);
      return reply.status(201).send(presentAccount(account));
    },
  );

  app.get(
    '/:id',
    {
      schema: {
        tags: ['accounts'],
        summary: 'One account, with its live worker state',
        security,
        params: IdParams,
        response: { 200: Account, ...errors(401, 404, 429) },
      },
    },
    async (request) => presentAccount(await app.accounts.get(request.user.sub, request.params.id)),
  );

  app.put(
    '/:id',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Change the label, settings or token',
        description: 'Only the fields given change; settings are merged key by key. A new token restarts a running worker.',
        security,
        params: IdParams,
        body: UpdateAccountInput,
        response: { 200: Account, ...errors(400, 401, 404, 409, 413, 415, 429) },
      },
    },
    async (request, reply) => {
      const { sub } = request.user;
      const { settings } = request.body;
      const needsCurrent = settings?.deliveryMode === 'channel' && !settings.channelId;
      const current = needsCurrent ? (await app.accounts.get(sub, request.params.id)).settings : undefined;
      await assertUsableSettings(settings, app.config, regexWriteGate(request, reply), current);
      return presentAccount(await app.accounts.update(sub, request.params.id, request.body));
    },
  );

  app.delete(
    '/:id',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Delete an account',
        description: 'Stops its worker, then deletes the account with its friends, activity and content history.',
        security,
        params: IdParams,
        response: { 204: Type.Null({ description: 'Deleted' }), ...errors(401, 404, 429) },
      },
    },
    async (request, reply) => {
      await app.accounts.remove(request.user.sub, request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/:id/start',
    {
      schema: {
        tags: ['accounts'],
        summary: "Start the account's worker",
        description:
          'Idempotent: an account already starting or running is left alone. Answers at once with the resulting state; poll until `state` is `ready` (or `error`). 409 while the worker is still stopping.',
        security,
        params: IdParams,
        response: { 200: Account, ...errors(401, 404, 409, 429, 503) },
      },
    },
    async (request) => presentAccount(await app.accounts.start(request.user.sub, request.params.id)),
  );

  app.post(
    '/:id/stop',
    {
      schema: {
        tags: ['accounts'],
        summary: "Stop the account's worker",
        description: 'Idempotent. Answers once the worker process has exited.',
        security,
        params: IdParams,
        response: { 200: Account, ...errors(401, 404, 409, 429, 503) },
      },
    },
    async (request) => presentAccount(await app.accounts.stop(request.user.sub, request.params.id)),
  );
};

export default accountRoutes;
