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

  it('hides the message of unknown errors', () => {
    const body = toErrorBody(new Error('connection string mongodb://user:secret@host'));
    expect(body).toEqual({ statusCode: 500, error: 'Internal Server Error', message: 'Internal Server Error', code: 'INTERNAL_ERROR' });
  });
});
