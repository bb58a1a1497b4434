import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  isResponseSerializationError,
} from 'fastify-type-provider-zod';
import { AppError, errorBody, type ErrorCode } from '../errors.js';

/** Fastify's own 4xx errors, mapped to our codes so clients see one vocabulary. */
const fastifyCodes: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad_request',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'bad_request',
  FST_ERR_CTP_INVALID_JSON_BODY: 'bad_request',
  FST_ERR_VALIDATION: 'validation_failed',
  FST_ERR_NOT_FOUND: 'not_found',
};

interface Issue {
  path: string;
  message: string;
}

function zodIssues(err: FastifyError): Issue[] {
  if (!hasZodFastifySchemaValidationErrors(err)) return [];
  return err.validation.map((v) => ({
    path: [err.validationContext, v.instancePath.replace(/^\//, '').replace(/\//g, '.')]
      .filter(Boolean)
      .join('.'),
    message: v.message ?? 'invalid',
  }));
}

/** The single error handler: every failure leaves as `{error:{code,message}}`. */
export function errorHandler(err: FastifyError | AppError | Error, request: FastifyRequest, reply: FastifyReply) {
  if (err instanceof AppError) {
    if (err.status >= 500) request.log.error({ err }, err.message);
    if (err.headers) void reply.headers(err.headers);
    return reply.status(err.status).send(errorBody(err.code, err.message, err.details));
  }
  const fe = err as FastifyError;
  if (hasZodFastifySchemaValidationErrors(fe)) {
    const issues = zodIssues(fe);
    const first = issues[0];
    const message = first ? `${first.path || 'body'}: ${first.message}` : 'invalid request';
    return reply.status(400).send(errorBody('validation_failed', message, { issues }));
  }
  if (isResponseSerializationError(fe)) {
    request.log.error({ err }, 'response did not match its schema');
    return reply.status(500).send(errorBody('internal', 'internal error'));
  }
  const mapped = fe.code ? fastifyCodes[fe.code] : undefined;
  const status = fe.statusCode ?? 500;
  if (mapped || (status >= 400 && status < 500)) {
    const code = mapped ?? (status === 429 ? 'rate_limited' : 'bad_request');
    // Messages of Fastify's own errors describe the request, not our internals.
    const message = fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err instanceof SyntaxError
      ? 'request body is not valid JSON'
      : fe.message;
    return reply.status(mapped === 'payload_too_large' ? 413 : status < 500 ? status : 400).send(errorBody(code, message));
  }
  request.log.error({ err }, 'unhandled error');
  return reply.status(500).send(errorBody('internal', 'internal error'));
}

export function notFoundHandler(request: FastifyRequest, reply: FastifyReply) {
  return reply
    .status(404)
    .send(errorBody('not_found', `no route for ${request.method} ${request.url.split('?')[0]}`));
}
