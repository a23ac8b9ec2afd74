/**
 * `POST /api/chat`: validates the message at the edge, hands it to the conversation workflow, and
 * answers 202 with the turn's ids, or with `?wait=true` 200 with the finished turn (202 on timeout).
 * The conversation belongs to the caller's tenant; a customer always writes as themselves (a `customerId`
 * in the body is ignored), integrators name the customer they act for. Writing to a conversation the
 * caller may not see is a 404; one with too many turns pending is a 429.
 */
import { randomUUID } from 'node:crypto';
import express, { type Router } from 'express';
import { conversationWorkflowId } from '../../domain/constants.js';
import type { TurnResult } from '../../domain/types.js';
import { Scope } from '../auth/api-key-service.js';
import { assertConversationAccess } from '../auth/ownership.js';
import { isCustomerOnly, ownCustomerId, principalOf, requireRole } from '../auth/principal.js';
import { sendChatMessage } from '../conversation-client.js';
import { parseOrThrow } from '../errors.js';
import { bindLogFields } from '../request-context.js';
import { chatBodySchema, chatQuerySchema, idempotencyKeySchema } from '../schemas.js';
import { waitForTurnOutcome } from '../turn-waiter.js';
import { requireJson } from './json-body.js';
import type { RouteDependencies } from './route-dependencies.js';

export function chatRouter(dependencies: RouteDependencies): Router {
  const { temporal, eventLog, configuration } = dependencies;
  const router = express.Router();
  const jsonBody = express.json({ limit: configuration.bodyLimitBytes, strict: false });

  const ownership = { temporal, store: dependencies.store, timeoutMs: configuration.temporalRpcTimeoutMs };
  router.post('/api/chat', requireRole(['customer', 'integrator', 'admin'], Scope.chat), requireJson, jsonBody, async (request, response) => {
    const principal = principalOf(request);
    const body = parseOrThrow(chatBodySchema, request.body, 'request body');
    const { wait } = parseOrThrow(chatQuerySchema, request.query, 'query string');
    const updateId = parseOrThrow(idempotencyKeySchema, request.get('idempotency-key'), 'Idempotency-Key header');

    const conversationId = body.conversationId ?? randomUUID();
    const workflowId = conversationWorkflowId(conversationId);
    const logger = bindLogFields(response, { conversationId, workflowId });
    if (body.conversationId !== undefined) await assertConversationAccess(ownership, principal, conversationId);

    // Read before sending: every event of the new turn is after this offset.
    const afterSeq = wait ? await eventLog.lastSeq(conversationId) : 0;
    const accepted = await sendChatMessage(temporal, {
      conversationId,
      isNew: body.conversationId === undefined,
      tenantId: principal.tenantId,
      customerId: isCustomerOnly(principal) ? ownCustomerId(principal) : (body.customerId ?? null),
      message: body.message,
      metadata: body.metadata ?? {},
      taskQueue: configuration.temporal.taskQueue,
      updateId,
      timeoutMs: configuration.temporalRpcTimeoutMs,
      // A new conversation has no turns yet; an existing one refuses (429) past the cap, checked by its workflow.
      ...(body.conversationId === undefined ? {} : { maxPendingTurns: dependencies.maxPendingTurns }),
    });
    const turnLogger = bindLogFields(response, { turnId: accepted.turnId });
    turnLogger.info({ turnNumber: accepted.turnNumber, created: body.conversationId === undefined }, 'message accepted');
    if (accepted.forwardedToPerson === true) {
      // A person has the conversation: no turn will run, so there is nothing to wait for.
      response.status(202).json({ conversationId, workflowId, messageId: accepted.turnId, forwardedToPerson: true });
      return;
    }
    const ids = { conversationId, turnId: accepted.turnId, workflowId, turnWorkflowId: accepted.turnWorkflowId };
    if (!wait) {
      response.status(202).json(ids);
      return;
    }

    const disconnected = new AbortController();
    const onClose = (): void => {
      if (!response.writableFinished) disconnected.abort();
    };
    response.once('close', onClose);
    const result = await waitForTurnOutcome({
      eventLog,
      conversationId,
      turnId: accepted.turnId,
      afterSeq,
      timeoutMs: configuration.waitTimeoutMs,
      signal: AbortSignal.any([disconnected.signal, dependencies.shutdownSignal]),
      logger,
    });
    response.off('close', onClose);
    if (disconnected.signal.aborted) {
      logger.info('client disconnected while waiting for the turn');
      return;
    }
    if (result === null) {
      response.status(202).json({ ...ids, status: 'running' });
      return;
    }
    response.status(200).json({ ...ids, ...pickTurnResult(result) });
  });
  return router;
}

function pickTurnResult(result: TurnResult): TurnResult {
  const { turnId, status, answer, citations, confidence, agents, escalated, escalationId, costUsd } = result;
  return {
    turnId,
    status,
    answer,
    citations,
    confidence,
    agents,
    outOfScope: result.outOfScope ?? false,
    escalated,
    ...(escalationId === undefined ? {} : { escalationId }),
    costUsd,
  };
}
