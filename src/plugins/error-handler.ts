import type { FastifyError, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import mongoose from 'mongoose';
import { AppError } from '../services/errors.js';
import { SupervisorError, type SupervisorErrorCode } from '../supervisor/errors.js';

/** The one error shape every route answers with. */
export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  code?: string;
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

function body(statusCode: number, message: string, code?: string): ErrorBody {
  return { statusCode, error: STATUS_TEXT[statusCode] ?? 'Error', message, ...(code ? { code } : {}) };
}

interface DuplicateKeyError {
  code: number;
  keyPattern?: Record<string, unknown>;
}

function isDuplicateKey(err: unknown): err is DuplicateKeyError {
  const code = (err as { code?: unknown }).code;
  return (code === 11000 || code === 11001) && err instanceof Error && err.name.startsWith('Mongo');
}

/** Supervisor refusals: a transition that cannot happen now is a conflict, a closing server is unavailable. */
const SUPERVISOR_STATUS: Partial<Record<SupervisorErrorCode, number>> = {
  ILLEGAL_TRANSITION: 409,
  WORKER_NOT_READY: 409,
  WORKER_NOT_RUNNING: 409,
  SUPERVISOR_CLOSED: 503,
  INVALID_REQUEST_BUDGET: 503,
};

/** Maps any thrown error to an HTTP status and body. Never leaks a 5xx error's internals. */
export function toErrorBody(err: unknown): ErrorBody {
  if (err instanceof AppError) return body(err.statusCode, err.message, err.code);
  if (err instanceof SupervisorError && SUPERVISOR_STATUS[err.code]) {
    return body(SUPERVISOR_STATUS[err.code]!, err.message, err.code);
  }
  if (err instanceof mongoose.Error.ValidationError) {
    const first = Object.values(err.errors)[0];
    return body(400, first ? `${first.path} ${first.message}` : err.message, 'VALIDATION_ERROR');
  }
  if (err instanceof mongoose.Error.CastError) {
    return body(400, `${err.path} is not a valid ${err.kind}`, 'INVALID_ID');
  }
  if (isDuplicateKey(err)) {
    const fields = Object.keys(err.keyPattern ?? {}).join(', ') || 'a unique field';
    return body(409, `An entry with the same ${fields} already exists`, 'DUPLICATE');
  }
  const fe = err as Partial<FastifyError>;
  if (fe.validation) {
    return body(400, fe.message ?? 'Invalid request', 'VALIDATION_ERROR');
  }
  const status = fe.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    return body(status, fe.message ?? STATUS_TEXT[status] ?? 'Error', fe.code);
  }
  return body(500, 'Internal Server Error');
}

export default fp(
  async function errorHandler(app: FastifyInstance) {
    app.setErrorHandler((err, request, reply) => {
      const answer = toErrorBody(err);
      if (answer.statusCode >= 500) request.log.error({ err }, 'request failed');
      else request.log.info({ err: { message: (err as Error).message, code: answer.code } }, 'request rejected');
      return reply.status(answer.statusCode).send(answer);
    });
    app.setNotFoundHandler((request, reply) =>
      reply.status(404).send(body(404, `Route ${request.method} ${request.url.split('?')[0]} not found`, 'ROUTE_NOT_FOUND')),
    );
  },
  { name: 'error-handler' },
);
