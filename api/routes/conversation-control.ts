/**
 * People in the conversation: take it over (the assistant stops answering), write to the customer, and
 * release it back to the assistant. Replies travel through the workflow, so they are stored and streamed
 * like any message.
 */
import express, { type Router } from 'express';
import { z } from 'zod';
import { MAX_MESSAGE_CHARS } from '../../domain/constants.js';
import { Scope } from '../auth/api-key-service.js';
import { assertConversationAccess } from '../auth/ownership.js';
import { principalOf, requireRole } from '../auth/principal.js';
import { parseOrThrow } from '../errors.js';
import { bindLogFields } from '../request-context.js';
import { sendReply, signalRelease, signalTakeOver } from '../review-client.js';
import { conversationParamsSchema } from '../schemas.js';
import { jsonBody } from './json-body.js';
import type { RouteDependencies } from './route-dependencies.js';

/** Body of takeover and release: the person stepping in or out. */
export const agentBodySchema = z.strictObject({ agent: z.string().trim().min(1).max(200) });
/** Body of a person's message to the customer. */
export const replyBodySchema = z.strictObject({
  agent: z.string().trim().min(1).max(200),
  message: z.string().trim().min(1, 'must not be empty').max(MAX_MESSAGE_CHARS, `must be at most ${MAX_MESSAGE_CHARS} characters`),
});

export function conversationControlRouter(dependencies: RouteDependencies): Router {
  const { temporal, configuration } = dependencies;
  const router = express.Router();
  const body = jsonBody(configuration.bodyLimitBytes);
  const timeoutMs = configuration.temporalRpcTimeoutMs;
  const ownership = { temporal, store: dependencies.store, timeoutMs };
  // People of the tenant (reviewers, admins) step into its conversations; another tenant's id is a 404.
  const guard = requireRole(['reviewer', 'admin'], Scope.conversationsWrite);

  router.post('/api/conversations/:id/takeover', guard, ...body, async (request, response) => {
    const { id } = parseOrThrow(conversationParamsSchema, request.params, 'path');
    await assertConversationAccess(ownership, principalOf(request), id);
    const { agent } = parseOrThrow(agentBodySchema, request.body, 'request body');
    bindLogFields(response, { conversationId: id });
    await signalTakeOver(temporal, id, agent, timeoutMs);
    response.status(202).json({ conversationId: id, status: 'human_takeover', agent });
  });

  router.post('/api/conversations/:id/release', guard, ...body, async (request, response) => {
    const { id } = parseOrThrow(conversationParamsSchema, request.params, 'path');
    await assertConversationAccess(ownership, principalOf(request), id);
    const { agent } = parseOrThrow(agentBodySchema, request.body, 'request body');
    bindLogFields(response, { conversationId: id });
    await signalRelease(temporal, id, agent, timeoutMs);
    response.status(202).json({ conversationId: id, status: 'active', agent });
  });

  router.post('/api/conversations/:id/messages', guard, ...body, async (request, response) => {
    const { id } = parseOrThrow(conversationParamsSchema, request.params, 'path');
    await assertConversationAccess(ownership, principalOf(request), id);
    const reply = parseOrThrow(replyBodySchema, request.body, 'request body');
    bindLogFields(response, { conversationId: id });
    const { messageId } = await sendReply(temporal, id, reply, timeoutMs);
    response.status(201).json({ conversationId: id, messageId });
  });

  return router;
}
