import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FriendInput } from '../../services/friend-service.js';
import { SupervisorError } from '../../supervisor/errors.js';
import { toObjectId } from '../../utils/cursor.js';
import { errors, IdParams, Type } from '../common-schemas.js';
import { assertUsableRule, regexWriteGate } from '../accounts/rule-check.js';
import { presentFriend } from './present.js';
import { CreateFriend, FriendPage, Friend, FriendParams, ListFriendsQuery, TestBody, TestResult, UpdateFriend } from './schemas.js';

const security = [{ bearerAuth: [] }];

/** Registered under /accounts/:id/friends. Every change reaches a running worker at once. */
const friendRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', app.authenticate);

  app.get(
    '',
    {
      schema: {
        tags: ['friends'],
        summary: 'The friends an account watches, newest first',
        security,
        params: IdParams,
        querystring: ListFriendsQuery,
        response: { 200: FriendPage, ...errors(400, 401, 404, 429) },
      },
    },
    async (request) => {
      const page = await app.friends.list(request.user.sub, request.params.id, request.query);
      const visibility = await app.discovery.visibility(request.params.id);
      return { items: page.items.map((f) => presentFriend(app, f, visibility)), nextCursor: page.nextCursor };
    },
  );

  app.post(
    '',
    {
      schema: {
        tags: ['friends'],
        summary: 'Watch a Discord user',
        security,
        params: IdParams,
        body: CreateFriend,
        response: { 201: Friend, ...errors(400, 401, 404, 409, 413, 415, 429) },
      },
    },
    async (request, reply) => {
      await assertUsableRule(request.body.rules, 'rules', regexWriteGate(request, reply));
      const friend = await app.friends.create(request.user.sub, request.params.id, request.body as FriendInput);
      return reply.status(201).send(presentFriend(app, friend));
    },
  );

  app.get(
    '/:friendId',
    {
      schema: {
        tags: ['friends'],
        summary: 'One friend',
        security,
        params: FriendParams,
        response: { 200: Friend, ...errors(401, 404, 429) },
      },
    },
    async (request) => {
      const friend = await app.friends.get(request.user.sub, request.params.id, request.params.friendId);
      return presentFriend(app, friend, await app.discovery.visibility(request.params.id));
    },
  );

  app.put(
    '/:friendId',
    {
      schema: {
        tags: ['friends'],
        summary: "Change a friend's name, id, switch or rules",
        security,
        params: FriendParams,
        body: UpdateFriend,
        response: { 200: Friend, ...errors(400, 401, 404, 409, 413, 415, 429) },
      },
    },
    async (request, reply) => {
      await assertUsableRule(request.body.rules, 'rules', regexWriteGate(request, reply));
      const { id, friendId } = request.params;
      return presentFriend(app, await app.friends.update(request.user.sub, id, friendId, request.body as FriendInput));
    },
  );

  app.delete(
    '/:friendId',
    {
      schema: {
        tags: ['friends'],
        summary: 'Stop watching a friend',
        description: "The friend's activity and content history stay until the account is deleted or they expire.",
        security,
        params: FriendParams,
        response: { 204: Type.Null({ description: 'Deleted' }), ...errors(401, 404, 429) },
      },
    },
    async (request, reply) => {
      await app.friends.remove(request.user.sub, request.params.id, request.params.friendId);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/:friendId/test',
    {
      schema: {
        tags: ['friends'],
        summary: 'Send the friend one item now, whatever the triggers say',
        description:
          "Picks content and delivers it through the account's worker at once, bypassing the triggers. The cooldown, daily caps and quiet hours still apply unless `ignoreCaps` is true; the answer says what happened (`skipped` with the reason, `failed` with the error, or `sent`). Counted and recorded like any delivery. 409 `WORKER_NOT_READY` when the account's worker is not ready.",
        security,
        params: FriendParams,
        body: TestBody,
        response: { 200: TestResult, ...errors(400, 401, 404, 409, 415, 429) },
      },
    },
    async (request) => {
      const { id, friendId } = request.params;
      const friend = await app.friends.get(request.user.sub, id, friendId);
      const state = app.supervisor.get(id)?.state ?? 'stopped';
      if (state !== 'ready') {
        throw new SupervisorError('WORKER_NOT_READY', `the account's worker is ${state}; start it first`, { accountId: id, op: 'test', state });
      }
      const outcome = await app.pipeline.test(
        id,
        { ...friend, friendId: toObjectId(friend.id)! },
        { ignoreCaps: request.body?.ignoreCaps ?? false },
      );
      return {
        status: outcome.status === 'no-match' ? ('skipped' as const) : outcome.status,
        ...(outcome.reason === undefined ? {} : { reason: outcome.reason }),
        ...(outcome.until === undefined ? {} : { until: new Date(outcome.until).toISOString() }),
        ...(outcome.itemId === undefined ? {} : { itemId: outcome.itemId }),
        ...(outcome.messageId === undefined ? {} : { messageId: outcome.messageId }),
      };
    },
  );
};

export default friendRoutes;
