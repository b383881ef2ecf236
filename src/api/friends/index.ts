import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FriendInput, FriendView } from '../../services/friend-service.js';
import { errors, IdParams, type Static, Type } from '../common-schemas.js';
import { assertUsableRule } from '../accounts/rule-check.js';
import { CreateFriend, Friend, FriendPage, FriendParams, ListFriendsQuery, UpdateFriend } from './schemas.js';

function presentFriend(f: FriendView): Static<typeof Friend> {
  return {
    id: f.id,
    accountId: f.accountId,
    discordUserId: f.discordUserId,
    displayName: f.displayName,
    enabled: f.enabled,
    rules: f.rules,
    createdAt: f.createdAt.toISOString(),
    updatedAt: f.updatedAt.toISOString(),
  };
}

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
      return { items: page.items.map(presentFriend), nextCursor: page.nextCursor };
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
      assertUsableRule(request.body.rules, 'rules');
      const friend = await app.friends.create(request.user.sub, request.params.id, request.body as FriendInput);
      return reply.status(201).send(presentFriend(friend));
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
    async (request) => presentFriend(await app.friends.get(request.user.sub, request.params.id, request.params.friendId)),
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
    async (request) => {
      assertUsableRule(request.body.rules, 'rules');
      const { id, friendId } = request.params;
      return presentFriend(await app.friends.update(request.user.sub, id, friendId, request.body as FriendInput));
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
};

export default friendRoutes;
