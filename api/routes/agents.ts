/**
 * The agent catalog: `GET /api/agents` (current versions, by team), one agent with its versions, one version,
 * `PUT /api/agents/:id` (a new version, optimistic with `expectedVersion`), `PATCH /api/agents/:id` (enable or
 * disable) and `GET /api/agents/metrics`. Every write is audited with the authenticated subject as actor
 * (`editedBy` is kept as a display name; in development mode it is also the actor). The catalog is shared by
 * every tenant of a deployment, so editing it needs the `operator` role or an admin of the deployment's own
 * (default) tenant: another tenant's admin must not change what this tenant's assistant says.
 */
import { ApplicationFailure } from '@temporalio/common';
import express, { type Router } from 'express';
import { z } from 'zod';
import { AgentDefinitionSchema, TEAM_IDS } from '../../activities/agents/agent-definition.js';
import type { AgentRecord } from '../../activities/persistence/store.js';
import { DEFAULT_TENANT_ID } from '../../domain/constants.js';
import type { Principal } from '../../domain/auth.js';
import { Scope } from '../auth/api-key-service.js';
import { actorOf, hasRole, principalOf, requireRole } from '../auth/principal.js';
import type { RequestHandler } from 'express';
import { FailureType } from '../../domain/failure-types.js';
import { ApiError, ErrorCode, parseOrThrow } from '../errors.js';
import { jsonBody } from './json-body.js';
import type { RouteDependencies } from './route-dependencies.js';
import { bindLogFields } from '../request-context.js';
import type { Logger } from 'pino';

/** An agent id in a path. */
export const agentIdSchema = z.string().regex(/^[a-z][a-z0-9-]{0,99}$/, 'must be an agent id');
/** An agent version number in a path. */
export const versionSchema = z.coerce.number().int().min(1);
const editorSchema = z.string().trim().min(1).max(200);

export const saveAgentBodySchema = z.strictObject({
  definition: AgentDefinitionSchema,
  editedBy: editorSchema,
  note: z.string().trim().max(2000).optional(),
  expectedVersion: z.number().int().min(1).optional(),
});

export const enableAgentBodySchema = z.strictObject({ enabled: z.boolean(), editedBy: editorSchema });

export const agentMetricsQuerySchema = z.looseObject({ days: z.coerce.number().int().min(1).max(365).default(7) });

/** Guard for catalog writes (see the module comment). */
const requireCatalogEditor: RequestHandler = (request, _response, next) => {
  const principal: Principal = principalOf(request);
  if (!hasRole(principal, ['operator']) && !(hasRole(principal, ['admin']) && principal.tenantId === DEFAULT_TENANT_ID)) {
    throw new ApiError(403, ErrorCode.forbidden, 'Editing the shared agent catalog needs the operator role, or admin of the default tenant');
  }
  next();
};

const notFound = (id: string) => new ApiError(404, ErrorCode.agentNotFound, `Agent ${id} not found`);

/** Every team with its agents (ids in catalog order), so the admin view can group without a second call. */
function teamsOf(agents: readonly AgentRecord[]) {
  return TEAM_IDS.map((team) => ({ id: team, agentIds: agents.filter((agent) => agent.team === team).map((agent) => agent.id) }));
}

/** Maps the store's `Conflict` and `NotFound` failures to 409 and 404. */
function apiErrorOf(error: unknown, id: string): unknown {
  if (!(error instanceof ApplicationFailure)) return error;
  if (error.type === FailureType.Conflict) return new ApiError(409, ErrorCode.versionConflict, error.message, { cause: error });
  if (error.type === FailureType.NotFound) return notFound(id);
  return error;
}

export function agentsRouter(dependencies: RouteDependencies): Router {
  const { store, configuration } = dependencies;
  const router = express.Router();
  const body = jsonBody(configuration.bodyLimitBytes);

  const canRead = requireRole(['reviewer', 'admin', 'operator'], Scope.agents);
  const canWrite = [requireRole(['admin', 'operator'], Scope.agents), requireCatalogEditor];
  router.get('/api/agents', canRead, async (_request, response) => {
    const agents = await store.listAgents();
    response.json({ agents, teams: teamsOf(agents) });
  });

  // Before `/api/agents/:id`, which would take "metrics" for an id.
  router.get('/api/agents/metrics', canRead, async (request, response) => {
    const { days } = parseOrThrow(agentMetricsQuerySchema, request.query, 'query string');
    const since = new Date(Date.now() - days * 86_400_000).toISOString();
    response.json({ since, agents: await store.agentMetrics({ since, tenantId: principalOf(request).tenantId }) });
  });

  router.get('/api/agents/:id', canRead, async (request, response) => {
    const id = parseOrThrow(agentIdSchema, request.params.id, 'agent id');
    const agent = await store.getAgent(id);
    if (agent === null) throw notFound(id);
    response.json({ ...agent, versions: await store.listAgentVersions(id) });
  });

  router.get('/api/agents/:id/versions/:version', canRead, async (request, response) => {
    const id = parseOrThrow(agentIdSchema, request.params.id, 'agent id');
    const version = parseOrThrow(versionSchema, request.params.version, 'version');
    const agent = await store.getAgent(id, version);
    if (agent === null) throw new ApiError(404, ErrorCode.agentNotFound, `Agent ${id} has no version ${version}`);
    response.json(agent);
  });

  /**
   * Routing learns from the catalog's examples: retrain now instead of waiting for the schedule. Best effort —
   * the edit is saved either way, and the scheduled retrain catches up if this start fails.
   */
  async function requestRetrain(tenantId: string, reason: string, logger: Logger): Promise<void> {
    const workflowId = `retrain-router-${tenantId}-after-${reason}`;
    try {
      await dependencies.temporal.workflow.start('retrainRouterWorkflow', { taskQueue: dependencies.configuration.temporal.taskQueue, workflowId, args: [{ tenantId }] });
    } catch (error) {
      logger.warn({ err: error, workflowId }, 'could not start a routing retrain after a catalog edit; the schedule will retrain');
    }
  }

  router.put('/api/agents/:id', ...canWrite, ...body, async (request, response) => {
    const principal = principalOf(request);
    const id = parseOrThrow(agentIdSchema, request.params.id, 'agent id');
    const input = parseOrThrow(saveAgentBodySchema, request.body, 'request body');
    const actor = actorOf(principal, input.editedBy);
    if (input.definition.id !== id) throw new ApiError(400, ErrorCode.invalidRequest, `Invalid request body: definition.id must be "${id}"`);
    const before = await store.getAgent(id);
    if (before === null) throw notFound(id);
    const saved = await store
      .saveAgentVersion({ definition: input.definition, editedBy: actor, ...(input.note === undefined ? {} : { note: input.note }), ...(input.expectedVersion === undefined ? {} : { expectedVersion: input.expectedVersion }) })
      .catch((error: unknown) => {
        throw apiErrorOf(error, id);
      });
    if (saved.version !== before.version) {
      await requestRetrain(principal.tenantId, `${id}-v${saved.version}`, bindLogFields(response, {}));
      await store.appendAudit({
        tenantId: principal.tenantId,
        actor,
        action: 'agent.edit',
        subjectType: 'agent',
        subjectId: id,
        details: { fromVersion: before.version, toVersion: saved.version, ...(input.note === undefined ? {} : { note: input.note }) },
        idempotencyKey: `agent.edit:${id}:${saved.version}`,
      });
    }
    response.json(saved);
  });

  router.patch('/api/agents/:id', ...canWrite, ...body, async (request, response) => {
    const principal = principalOf(request);
    const id = parseOrThrow(agentIdSchema, request.params.id, 'agent id');
    const input = parseOrThrow(enableAgentBodySchema, request.body, 'request body');
    const before = await store.getAgent(id);
    if (before === null || !(await store.setAgentEnabled(id, input.enabled))) throw notFound(id);
    await store.appendAudit({
      tenantId: principal.tenantId,
      actor: actorOf(principal, input.editedBy),
      action: input.enabled ? 'agent.enable' : 'agent.disable',
      subjectType: 'agent',
      subjectId: id,
      details: { version: before.version, wasEnabled: before.enabled },
    });
    const agent = await store.getAgent(id);
    if (agent === null) throw notFound(id);
    if (before.enabled !== input.enabled) await requestRetrain(principal.tenantId, `${id}-${input.enabled ? 'enabled' : 'disabled'}-${Date.now()}`, bindLogFields(response, {}));
    response.json(agent);
  });

  return router;
}
