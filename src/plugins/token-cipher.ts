import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { TokenCipher } from '../utils/token-cipher.js';

declare module 'fastify' {
  interface FastifyInstance {
    tokenCipher: TokenCipher;
  }
}

export default fp(
  async function tokenCipher(app: FastifyInstance) {
    app.decorate('tokenCipher', new TokenCipher(app.config.TOKEN_ENCRYPTION_KEYS));
  },
  { name: 'token-cipher', dependencies: ['config'] },
);
