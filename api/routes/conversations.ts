/**
 * Read side of conversations: the stored transcript and turns (Postgres), one turn's trace, and the
 * live workflow snapshot (Temporal queries).
 */
import express, { type Router } from 'express';
import { z } from 'zod';
import { DEFAULT_TENANT_ID, conversationWorkflowId } from '../../domain/constants.js';
import { getConversationSnapshot } from '../conversation-client.js';
import { ApiError, ErrorCode, parseOrThrow } from '../errors.js';
import { bindLogFields } from '../request-context.js';
import { conversationParamsSchema, turnParamsSchema } from '../schemas.js';
import type { RouteDependencies } from './route-dependencies.js';

const conversationListQuerySchema = z.looseObject({
  customerId: z.string().trim().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
});

export function conversationsRouter(dependencies: RouteDependencies): Router {
  const { store, temporal, configuration } = dependencies;
  const router = express.Router();

  router.get('/api/conversations', async (request, response) => {
    const query = parseOrThrow(conversationListQuerySchema, request.query, 'query string');
    const conversations = await store.listConversations({ tenantId: DEFAULT_TENANT_ID, ...query });
    response.json({ conversations });
  });

  router.get('/api/conversations/:id', async (request, response) => {
    const { id } = parseOrThrow(conversationParamsSchema, request.params, 'path');
    bindLogFields(response, { conversationId: id });
    const found = await store.getConversation(id);
    if (found === null) throw new ApiError(404, ErrorCode.conversationNotFound, 'Conversation not found');
    response.json({ conversation: found.conversation, messages: found.messages, turns: found.turns });
  });

  router.get('/api/conversations/:id/turns/:turnId', async (request, response) => {
    const { id, turnId } = parseOrThrow(turnParamsSchema, request.params, 'path');
    bindLogFields(response, { conversationId: id, turnId });
    const turn = await store.getTurn(turnId);
    // A turn of another conversation is reported as absent, not as forbidden: ids are not secrets to probe.
    if (turn === null || turn.conversationId !== id) throw new ApiError(404, ErrorCode.turnNotFound, 'Turn not found');
    response.json(turn);
  });

  router.get('/api/conversations/:id/state', async (request, response) => {
    const { id } = parseOrThrow(conversationParamsSchema, request.params, 'path');
    bindLogFields(response, { conversationId: id, workflowId: conversationWorkflowId(id) });
    const snapshot = await getConversationSnapshot(temporal, id, { timeoutMs: configuration.temporalRpcTimeoutMs });
    if (snapshot === null) throw new ApiError(404, ErrorCode.conversationNotFound, 'Conversation not found');
    response.json(snapshot);
  });

  return router;
}
