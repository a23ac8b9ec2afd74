/**
 * Zod schemas of everything the API accepts: REST bodies, query strings and path parameters, and the
 * WebSocket client frames. Validation happens here, at the edge, before anything touches Temporal.
 */
import { z } from 'zod';
import { MAX_MESSAGE_CHARS } from '../domain/constants.js';

/**
 * A conversation id: UUIDs and other opaque ids made of letters, digits, `-` and `_` (no `.`, which
 * separates the conversation id from the turn number in turn ids), at most 64 characters.
 */
export const conversationIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'must be 1-64 letters, digits, "-" or "_"');

/** A turn id: `<conversationId>.<turnNumber>`. */
export const turnIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}\.[1-9][0-9]{0,8}$/, 'must look like "<conversationId>.<turnNumber>"');

export const chatBodySchema = z.strictObject({
  message: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(MAX_MESSAGE_CHARS, `must be at most ${MAX_MESSAGE_CHARS} characters`),
  conversationId: conversationIdSchema.optional(),
  customerId: z.string().trim().min(1).max(200).optional(),
  metadata: z.record(z.string().max(100), z.unknown()).optional(),
});
export type ChatBody = z.output<typeof chatBodySchema>;

const booleanFlag = z
  .enum(['true', 'false', '1', '0', ''])
  .transform((value) => value === 'true' || value === '1' || value === '');

export const chatQuerySchema = z.looseObject({
  wait: booleanFlag.optional().transform((value) => value ?? false),
});

/** Optional `Idempotency-Key` header: reused as the Temporal update id so a retried POST is applied once. */
export const idempotencyKeySchema = z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, 'must be 1-128 safe characters').optional();

export const conversationParamsSchema = z.object({ id: conversationIdSchema });
export const turnParamsSchema = z.object({ id: conversationIdSchema, turnId: turnIdSchema });

/** What a WebSocket client may follow: a conversation, or the reviewers' feed of escalation events. */
export const trackedStreamSchema = z.union([conversationIdSchema, z.string().regex(/^reviewers:[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'must be a conversation id or "reviewers:<tenantId>"')]);

/** Frames a WebSocket client may send. */
export const clientFrameSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('subscribe'),
    conversationId: trackedStreamSchema,
    fromSeq: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  }),
  z.strictObject({
    type: z.literal('unsubscribe'),
    conversationId: trackedStreamSchema,
  }),
]);
export type ClientFrame = z.output<typeof clientFrameSchema>;
