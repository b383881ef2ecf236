import { Type } from '../common-schemas.js';

export const InviteBody = Type.Object({
  url: Type.String({ description: 'Open it, pick a server, authorize: the bot joins with these permissions' }),
  clientId: Type.String(),
  scopes: Type.Array(Type.String()),
  permissions: Type.String({ description: 'The permission bitfield, as a decimal string' }),
  permissionNames: Type.Array(Type.String()),
  privilegedIntents: Type.Array(Type.String(), {
    description: 'Turn these on in the Developer Portal (Bot → Privileged Gateway Intents), or the worker stops with INTENTS_DISALLOWED',
  }),
});
