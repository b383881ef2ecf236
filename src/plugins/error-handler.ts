import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import mongoose from 'mongoose';
import { isDbUnavailable } from '../db/unavailable.js';
import { AppError } from '../services/errors.js';
import { SupervisorError, type SupervisorErrorCode } from '../supervisor/errors.js';

/** The one error shape every route answers with. */
export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  code: string;
}

/** The code an answer gets when nothing more specific is known. */
const STATUS_CODE: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  408: 'REQUEST_TIMEOUT',
  409: 'CONFLICT',
  413: 'BODY_TOO_LARGE',
  414: 'URI_TOO_LONG',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
  431: 'HEADERS_TOO_LARGE',
  500: 'INTERNAL_ERROR',
  503: 'SERVICE_UNAVAILABLE',
};

/** Fastify's own error codes, in the API's words. */
const FASTIFY_CODE: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'INVALID_JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'INVALID_JSON',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'BAD_REQUEST',
  FST_ERR_BAD_URL: 'BAD_URL',
};

function body(statusCode: number, message: string, code?: string): ErrorBody {
  return {
    statusCode,
    error: STATUS_CODES[statusCode] ?? 'Error',
    message,
    code: code ?? STATUS_CODE[statusCode] ?? `HTTP_${statusCode}`,
  };
}

/** A Fastify error's code in the API's words: JSON syntax errors carry none of their own. */
function fastifyCode(fe: Partial<FastifyError>, status: number): string | undefined {
  if (fe.code && FASTIFY_CODE[fe.code]) return FASTIFY_CODE[fe.code];
  if (fe instanceof SyntaxError && status === 400) return 'INVALID_JSON';
  if (fe.code && !fe.code.startsWith('FST_')) return fe.code;
  return undefined;
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
    return body(400, `${err.path} is not a valid ${err.kind}`, err.kind === 'ObjectId' ? 'INVALID_ID' : 'INVALID_VALUE');
  }
  if (isDbUnavailable(err)) {
    return body(503, 'The database is not answering; try again shortly', 'DB_UNAVAILABLE');
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
    return body(status, fe.message ?? STATUS_CODES[status] ?? 'Error', fastifyCode(fe, status));
  }
  return body(500, 'Internal Server Error');
}

/**
 * Fastify's `frameworkErrors`: errors raised before routing (a path parameter over the router's
 * length limit → 414, a malformed URL → 400) answer in the same shape as the rest.
 */
export function frameworkErrors(err: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const answer = err.code === 'FST_ERR_MAX_PARAM_LENGTH' ? body(414, 'The URL is too long') : toErrorBody(err);
  void reply.status(answer.statusCode).send(answer);
}

/**
 * The HTTP server's `clientError`: requests Node's parser refuses (headers over the size limit →
 * 431, a headers or request timeout → 408, garbage → 400) never reach Fastify, so the answer is
 * written on the socket here, in the common shape.
 */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const answer =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? body(431, 'The request headers are too large')
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? body(408, 'The request took too long to arrive')
        : body(400, 'Malformed HTTP request');
  const json = JSON.stringify(answer);
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${answer.statusCode} ${answer.error}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(json)}\r\nConnection: close\r\n\r\n${json}`,
    );
  }
  socket.destroy(err);
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
    // Bodies are JSON: a text/plain body is an unsupported media type (415), not a string that
    // then fails validation.
    app.removeContentTypeParser('text/plain');
  },
  { name: 'error-handler' },
);
