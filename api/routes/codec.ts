/**
 * The Temporal codec server (`POST /api/codec/encode`, `POST /api/codec/decode`): the Temporal Web UI and
 * CLI send payloads as proto3 JSON (`temporal.api.common.v1.Payloads`, bytes in base64) and get them back
 * encrypted or decrypted, so operators can read encrypted histories. Mounted only when keys are configured.
 *
 * Access: the `operator` role (a JWT, or an API key with that role — the Web UI forwards its access token
 * with `codec.passAccessToken`, the CLI sends `--codec-auth "Bearer <key>"`); API keys limited by scopes
 * also need the `codec` scope. CORS answers the Web UI's preflight before authentication.
 */
import type { Payload } from '@temporalio/common';
import express, { type RequestHandler, type Router } from 'express';
import { z } from 'zod';
import type { Configuration } from '../../domain/config.js';
import { EncryptionCodec, PayloadDecryptionError } from '../../domain/payload-codec.js';
import { Scope } from '../auth/api-key-service.js';
import { requireRole } from '../auth/principal.js';
import { ApiError, ErrorCode, parseOrThrow } from '../errors.js';
import { jsonBody } from './json-body.js';

export type CodecServerConfiguration = Configuration['codec'];

/** Histories hold large payloads; Temporal's own limit on one payload is 2 MiB. */
const CODEC_BODY_LIMIT_BYTES = 8 * 1024 * 1024;
const ALLOWED_HEADERS = 'authorization, content-type, x-namespace';

/** Standard or URL-safe base64, as proto3 JSON allows. */
const base64 = z.string().regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'must be base64');
const payloadsSchema = z.object({
  payloads: z.array(z.object({ metadata: z.record(z.string(), base64).nullish(), data: base64.nullish() })),
});
type PayloadsJson = z.output<typeof payloadsSchema>;

function fromJson(body: PayloadsJson): Payload[] {
  return body.payloads.map((payload) => ({
    metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, Buffer.from(value, 'base64')])),
    data: Buffer.from(payload.data ?? '', 'base64'),
  }));
}

function toJson(payloads: Payload[]): { payloads: { metadata: Record<string, string>; data: string }[] } {
  return {
    payloads: payloads.map((payload) => ({
      metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, Buffer.from(value ?? new Uint8Array()).toString('base64')])),
      data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64'),
    })),
  };
}

/** CORS for the allowed origins (the Web UI calls from the browser); answers preflights before auth. */
function codecCors(origins: readonly string[]): RequestHandler {
  const allowed = new Set(origins);
  return (request, response, next) => {
    const origin = request.headers.origin;
    response.vary('Origin');
    if (origin !== undefined && allowed.has(origin)) {
      response.setHeader('access-control-allow-origin', origin);
      response.setHeader('access-control-allow-credentials', 'true');
      response.setHeader('access-control-allow-methods', 'POST, OPTIONS');
      response.setHeader('access-control-allow-headers', ALLOWED_HEADERS);
      response.setHeader('access-control-max-age', '600');
    }
    if (request.method === 'OPTIONS') {
      response.status(204).end();
      return;
    }
    next();
  };
}

/** The codec routes; an empty router (so `404`) when no configuration or no keys are given. */
export function codecRouter(configuration: CodecServerConfiguration | undefined): Router {
  const router = express.Router();
  if (configuration === undefined || configuration.keys.length === 0) return router;
  const codec = new EncryptionCodec(configuration.keys);
  router.use('/api/codec', codecCors(configuration.corsOrigins), requireRole(['operator'], Scope.codec));
  for (const direction of ['encode', 'decode'] as const) {
    router.post(`/api/codec/${direction}`, ...jsonBody(CODEC_BODY_LIMIT_BYTES), async (request, response) => {
      const payloads = fromJson(parseOrThrow(payloadsSchema, request.body, 'payloads'));
      try {
        response.json(toJson(await codec[direction](payloads)));
      } catch (error) {
        if (error instanceof PayloadDecryptionError) throw new ApiError(400, ErrorCode.invalidRequest, error.message, { cause: error });
        throw error;
      }
    });
  }
  return router;
}
