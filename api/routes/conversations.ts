/**
 * Read side of conversations: the stored transcript and turns (Postgres), one turn's trace, and the
 * live workflow snapshot (Temporal queries). Limited to the caller's tenant, and for customers to their
 * own conversations; anything else is a 404.
 */
import express, { type Router } from 'express';
import { z } from 'zod';
import { conversationWorkflowId } from '../../domain/constants.js';
import { Scope } from '../auth/api-key-service.js';
import { assertConversationAccess, canAccessConversation, conversationNotFound } from '../auth/ownership.js';
import { isCustomerOnly, ownCustomerId, principalOf, requireRole } from '../auth/principal.js';
import { getConversationSnapshot } from '../conversation-client.js';
import { ApiError, ErrorCode, parseOrThrow } from '../errors.js';
import { bindLogFields } from '../request-context.js';
import { conversationParamsSchema, turnParamsSchema } from '../schemas.js';
import type { RouteDependencies } from './route-dependencies.js';

/** Query of `GET /api/conversations` (also documented by the OpenAPI generator). */
export const conversationListQuerySchema = z.looseObject({
  customerId: z.string().trim().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
});

export function conversationsRouter(dependencies: RouteDependencies): Router {
  const { store, temporal, configuration } = dependencies;
  const router = express.Router();
  const ownership = { temporal, store, timeoutMs: configuration.temporalRpcTimeoutMs };
  const canRead = requireRole(['customer', 'reviewer', 'admin', 'operator', 'integrator'], Scope.conversationsRead);

  router.get('/api/conversations', canRead, async (request, response) => {
    const principal = principalOf(request);
    const query = parseOrThrow(conversationListQuerySchema, request.query, 'query string');
    const customerId = isCustomerOnly(principal) ? ownCustomerId(principal) : query.customerId;
    const conversations = await store.listConversations({ ...query, tenantId: principal.tenantId, ...(customerId === undefined ? {} : { customerId }) });
    response.json({ conversations });
  });

  router.get('/api/conversations/:id', canRead, async (request, response) => {
    const { id } = parseOrThrow(conversationParamsSchema, request.params, 'path');
    bindLogFields(response, { conversationId: id });
    const found = await store.getConversation(id);
    if (found === null || !canAccessConversation(principalOf(request), found.conversation)) throw conversationNotFound();
    response.json({ conversation: found.conversation, messages: found.messages, turns: found.turns });
  });

  router.get('/api/conversations/:id/turns/:turnId', canRead, async (request, response) => {
    const { id, turnId } = parseOrThrow(turnParamsSchema, request.params, 'path');
    bindLogFields(response, { conversationId: id, turnId });
    await assertConversationAccess(ownership, principalOf(request), id);
    const turn = await store.getTurn(turnId);
    // A turn of another conversation is reported as absent, not as forbidden: ids are not secrets to probe.
    if (turn === null || turn.conversationId !== id) throw new ApiError(404, ErrorCode.turnNotFound, 'Turn not found');
    response.json(turn);
  });

  router.get('/api/conversations/:id/state', canRead, async (request, response) => {
    const { id } = parseOrThrow(conversationParamsSchema, request.params, 'path');
    bindLogFields(response, { conversationId: id, workflowId: conversationWorkflowId(id) });
    await assertConversationAccess(ownership, principalOf(request), id);
    const snapshot = await getConversationSnapshot(temporal, id, { timeoutMs: configuration.temporalRpcTimeoutMs });
    if (snapshot === null) throw new ApiError(404, ErrorCode.conversationNotFound, 'Conversation not found');
    response.json(snapshot);
  });

  return router;
}
