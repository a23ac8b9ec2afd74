/**
 * The reviewer queue: `GET /api/escalations` (filters: status, reason, team, age), one escalation with its
 * audit trail, and `POST /api/escalations/:id/decision` — a validated Temporal update, so a decision on an
 * escalation that is already decided (by another reviewer or the deadline) answers 409.
 */
import express, { type Router } from 'express';
import { z } from 'zod';
import { Scope } from '../auth/api-key-service.js';
import { actorOf, principalOf, requireRole } from '../auth/principal.js';
import { ApiError, ErrorCode, parseOrThrow } from '../errors.js';
import { bindLogFields } from '../request-context.js';
import { submitDecision } from '../review-client.js';
import { jsonBody } from './json-body.js';
import type { RouteDependencies } from './route-dependencies.js';
import type { EscalationRecord } from '../../activities/persistence/store.js';

const statusSchema = z.enum(['pending', 'approved', 'edited', 'rejected', 'timed_out']);
/** An escalation id in a path (`<turnId>.review`). */
export const escalationIdSchema = z.string().regex(/^[A-Za-z0-9._:-]{1,160}$/, 'must be an escalation id');

export const escalationQuerySchema = z.looseObject({
  status: statusSchema.optional(),
  reason: z.string().trim().min(1).max(200).optional(),
  team: z.enum(['technical', 'business', 'analysis', 'customer', 'product', 'industry']).optional(),
  /** Only escalations waiting at least this many minutes. */
  minAgeMinutes: z.coerce.number().min(0).max(525_600).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});

export const decisionBodySchema = z
  .strictObject({
    action: z.enum(['approve', 'edit', 'reject', 'reassign']),
    reviewer: z.string().trim().min(1).max(200),
    answer: z.string().trim().min(1).max(16_000).optional(),
    note: z.string().trim().max(2000).optional(),
    assignee: z.string().trim().min(1).max(200).optional(),
    handover: z.boolean().optional(),
  })
  .refine((body) => body.action !== 'edit' || body.answer !== undefined, { message: 'an edit needs the answer to send', path: ['answer'] })
  .refine((body) => body.action !== 'reassign' || body.assignee !== undefined, { message: 'a reassignment needs an assignee', path: ['assignee'] });

/** The queue row as the API shows it: the record plus how long it has waited and whether its SLA passed. */
function present(escalation: EscalationRecord, now = Date.now()) {
  const ageMs = (escalation.resolvedAt === null ? now : Date.parse(escalation.resolvedAt)) - Date.parse(escalation.createdAt);
  const overdue = escalation.status === 'pending' && escalation.deadlineAt !== null && Date.parse(escalation.deadlineAt) < now;
  return { ...escalation, ageMs, overdue };
}

export function escalationsRouter(dependencies: RouteDependencies): Router {
  const { store, temporal, configuration } = dependencies;
  const router = express.Router();
  // Reviewers (and admins) of the tenant; another tenant's escalation is reported as absent.
  const guard = requireRole(['reviewer', 'admin'], Scope.escalations);

  router.get('/api/escalations', guard, async (request, response) => {
    const query = parseOrThrow(escalationQuerySchema, request.query, 'query string');
    const escalations = await store.listEscalations({
      tenantId: principalOf(request).tenantId,
      ...(query.status === undefined ? {} : { status: query.status }),
      ...(query.reason === undefined ? {} : { reason: query.reason }),
      ...(query.team === undefined ? {} : { team: query.team }),
      ...(query.minAgeMinutes === undefined ? {} : { olderThanMs: query.minAgeMinutes * 60_000 }),
      ...(query.limit === undefined ? {} : { limit: query.limit }),
    });
    response.json({ escalations: escalations.map((escalation) => present(escalation)) });
  });

  router.get('/api/escalations/:id', guard, async (request, response) => {
    const id = parseOrThrow(escalationIdSchema, request.params.id, 'escalation id');
    const escalation = await store.getEscalation(id);
    if (escalation === null || escalation.tenantId !== principalOf(request).tenantId) throw new ApiError(404, ErrorCode.escalationNotFound, 'Escalation not found');
    const audit = await store.listAudit({ subjectType: 'escalation', subjectId: id });
    response.json({ ...present(escalation), audit });
  });

  router.post('/api/escalations/:id/decision', guard, ...jsonBody(configuration.bodyLimitBytes), async (request, response) => {
    const id = parseOrThrow(escalationIdSchema, request.params.id, 'escalation id');
    const body = parseOrThrow(decisionBodySchema, request.body, 'request body');
    const escalation = await store.getEscalation(id);
    const principal = principalOf(request);
    if (escalation === null || escalation.tenantId !== principal.tenantId) throw new ApiError(404, ErrorCode.escalationNotFound, 'Escalation not found');
    bindLogFields(response, { conversationId: escalation.conversationId, turnId: escalation.turnId });
    if (escalation.status !== 'pending') {
      const by = escalation.reviewer === null ? '' : ` by ${escalation.reviewer}`;
      throw new ApiError(409, ErrorCode.alreadyDecided, `The escalation was already decided (${escalation.status}${by})`);
    }
    await submitDecision(temporal, escalation.conversationId, { escalationId: id, ...body, reviewer: actorOf(principal, body.reviewer) }, configuration.temporalRpcTimeoutMs);
    response.status(202).json({ accepted: true, escalationId: id, action: body.action });
  });

  return router;
}
