import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { connect, createServer, type AddressInfo } from 'node:net';
import mongoose from 'mongoose';
import { describe, expect, it } from 'vitest';
import { toErrorBody } from '../../../src/plugins/error-handler.js';
import { ConflictError, NotFoundError } from '../../../src/services/errors.js';

describe('toErrorBody', () => {
  it('maps domain errors to their status and code', () => {
    expect(toErrorBody(new NotFoundError('Account'))).toEqual({
      statusCode: 404,
      error: 'Not Found',
      message: 'Account not found',
      code: 'NOT_FOUND',
    });
    expect(toErrorBody(new ConflictError('EMAIL_TAKEN', 'taken'))).toMatchObject({ statusCode: 409, code: 'EMAIL_TAKEN' });
  });

  it("maps a mongoose validation error to 400 naming the field", async () => {
    const schema = new mongoose.Schema({ label: { type: String, required: true } });
    const Model = mongoose.model('ErrorBodyProbe', schema);
    const err = await new Model({}).validate().catch((e: unknown) => e);
    expect(toErrorBody(err)).toMatchObject({ statusCode: 400, code: 'VALIDATION_ERROR', message: expect.stringContaining('label') });
  });

  it('maps a duplicate key error to 409 naming the fields', () => {
    const err = Object.assign(new Error('E11000 duplicate key error'), { name: 'MongoServerError', code: 11000, keyPattern: { email: 1 } });
    expect(toErrorBody(err)).toMatchObject({ statusCode: 409, code: 'DUPLICATE', message: expect.stringContaining('email') });
  });

  it('passes client errors from Fastify through with their status', () => {
    const err = Object.assign(new Error('Request body is too large'), { statusCode: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE' });
    expect(toErrorBody(err)).toEqual({ statusCode: 413, error: 'Payload Too Large', message: 'Request body is too large', code: 'BODY_TOO_LARGE' });
  });

  it('maps a lost database connection to 503 DB_UNAVAILABLE, wrapped by the driver or not', async () => {
    // A bare Node socket error: the driver rethrows a failed write's EPIPE unwrapped.
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const refused = await once(connect(port, '127.0.0.1'), 'error').then(([e]) => e as Error);
    expect(refused).toMatchObject({ code: 'ECONNREFUSED', syscall: 'connect' });
    const unavailable = { statusCode: 503, error: 'Service Unavailable', message: expect.any(String), code: 'DB_UNAVAILABLE' };
    expect(toErrorBody(refused)).toEqual(unavailable);
    expect(toErrorBody(new mongoose.mongo.MongoNetworkError('read ECONNRESET'))).toEqual(unavailable);
    // Other system errors stay internal.
    const missing = await readFile('/nonexistent/file').catch((e: unknown) => e);
    expect(toErrorBody(missing)).toMatchObject({ statusCode: 500, code: 'INTERNAL_ERROR' });
  });

  it('hides the message of unknown errors', () => {
    const body = toErrorBody(new Error('connection string mongodb://user:secret@host'));
    expect(body).toEqual({ statusCode: 500, error: 'Internal Server Error', message: 'Internal Server Error', code: 'INTERNAL_ERROR' });
  });
});
