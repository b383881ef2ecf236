import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { toErrorBody } from '../../plugins/error-handler.js';
import type { AccountView } from '../../services/account-service.js';
import { errors, IdParams, type Static } from '../common-schemas.js';
import { presentAccount } from './present.js';
import { Account, BulkBody, BulkResult } from './schemas.js';

const security = [{ bearerAuth: [] }];

/** Restart one account; start or stop many at once, with an answer per account. */
const operationRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', app.authenticate);

  app.post(
    '/:id/restart',
    {
      schema: {
        tags: ['accounts'],
        summary: "Restart the account's worker",
        description:
          'Replaces the worker with a new process (a stopped account is started). Answers once the old process has exited and the new one is queued. 409 while the worker is stopping.',
        security,
        params: IdParams,
        response: { 200: Account, ...errors(401, 404, 409, 429, 503) },
      },
    },
    async (request) => presentAccount(await app.accounts.restart(request.user.sub, request.params.id)),
  );

  for (const op of ['start', 'stop'] as const) {
    app.post(
      `/${op}`,
      {
        schema: {
          tags: ['accounts'],
          summary: op === 'start' ? 'Start several accounts' : 'Stop several accounts',
          description:
            "`ids` lists the accounts; without it, every account of the caller. Answers 200 with one result per id, in the order given: `ok` and the account, or the error that id met (404 for an account that is not yours).",
          security,
          body: BulkBody,
          response: { 200: BulkResult, ...errors(400, 401, 413, 415, 429) },
        },
      },
      async (request) => {
        const { sub } = request.user;
        const ids = request.body?.ids ?? (await app.accounts.ids(sub));
        const results = await Promise.all(
          [...new Set(ids)].map(async (id): Promise<Static<typeof BulkResult>['results'][number]> => {
            try {
              const account: AccountView = await app.accounts[op](sub, id);
              return { id, ok: true, account: presentAccount(account) };
            } catch (err) {
              return { id, ok: false, error: toErrorBody(err) };
            }
          }),
        );
        return { results };
      },
    );
  }
};

export default operationRoutes;
