/**
 * Every documented HTTP operation with the zod schemas its route validates with (imported from the route
 * modules and `api/schemas.ts`, so the document and the validation cannot drift). A few routes keep their
 * schemas private; their parameters are described here as plain strings until they are exported.
 */
import { z } from 'zod';
import { CreateKnowledgeSourceSchema } from '../../domain/knowledge.js';
import { AuthMeResponseSchema } from '../../domain/auth.js';
import { CreateWebhookSchema, WebhookAttemptViewSchema, WebhookDeliveriesQuerySchema, WebhookDeliveryViewSchema, WebhookEndpointViewSchema } from '../../domain/webhooks.js';
import { agentMetricsQuerySchema, enableAgentBodySchema, saveAgentBodySchema } from '../routes/agents.js';
import { auditQuerySchema, createApiKeyBodySchema, rotateApiKeyBodySchema } from '../routes/auth.js';
import { decisionBodySchema, escalationQuerySchema } from '../routes/escalations.js';
import { listDocumentsQuerySchema, searchQuerySchema } from '../routes/knowledge.js';
import { webhookParamsSchema } from '../routes/webhooks.js';
import { chatBodySchema, chatQuerySchema, conversationParamsSchema, turnParamsSchema } from '../schemas.js';
import { acceptedTurnSchema, errorSchema, finishedTurnSchema, jsonObject } from './response-schemas.js';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** One response: a description and, for JSON answers, the body's schema. */
export interface ResponseSpec {
  description: string;
  schema?: z.ZodType;
}

/** One operation; `path` uses OpenAPI's `{name}` placeholders. */
export interface OperationSpec {
  method: HttpMethod;
  path: string;
  summary: string;
  tag: string;
  /** Roles allowed (documented; enforced by the route). Absent: public or any authenticated caller. */
  roles?: readonly string[];
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** `application/json` unless given. */
  bodyContentType?: 'application/json' | 'multipart/form-data';
  responses: Record<number, ResponseSpec>;
}

const idParam = (name = 'id') => z.object({ [name]: z.string().min(1).max(200) });
const windowQuery = z.looseObject({ days: z.coerce.number().min(0.001).max(3650).optional().meta({ description: 'Look-back window in days (default 30)' }) });
const conversationListQuery = z.looseObject({ customerId: z.string().max(200).optional(), limit: z.coerce.number().int().min(1).max(200).optional() });
const agentBody = z.strictObject({ agent: z.string().trim().min(1).max(200) });
const replyBody = z.strictObject({ agent: z.string().trim().min(1).max(200), message: z.string().trim().min(1) });
const uploadBody = z.object({ file: z.string().meta({ format: 'binary', description: 'Markdown, plain text, HTML or PDF, at most 20 MiB' }), sourceId: z.string().optional(), title: z.string().optional() });

const ok = (description: string, schema: z.ZodType = jsonObject): ResponseSpec => ({ description, schema });
const accepted = (description: string, schema: z.ZodType = jsonObject): ResponseSpec => ({ description, schema });
const noContent: ResponseSpec = { description: 'Done; no body' };

const conversations: OperationSpec[] = [
  { method: 'post', path: '/api/chat', summary: 'Send a message (starts a conversation without conversationId)', tag: 'Conversations', query: chatQuerySchema, body: chatBodySchema, responses: { 200: ok('The finished turn (`?wait=true`)', finishedTurnSchema), 202: accepted('Accepted; follow the turn over the WebSocket', acceptedTurnSchema), 409: { description: 'The conversation is closed', schema: errorSchema } } },
  { method: 'get', path: '/api/conversations', summary: 'List conversations', tag: 'Conversations', query: conversationListQuery, responses: { 200: ok('Conversations, newest first') } },
  { method: 'get', path: '/api/conversations/{id}', summary: 'Messages and turns of a conversation', tag: 'Conversations', params: conversationParamsSchema, responses: { 200: ok('The conversation') } },
  { method: 'get', path: '/api/conversations/{id}/state', summary: 'Live workflow state (getState query)', tag: 'Conversations', params: conversationParamsSchema, responses: { 200: ok('The snapshot') } },
  { method: 'get', path: '/api/conversations/{id}/turns/{turnId}', summary: "A turn's trace", tag: 'Conversations', params: turnParamsSchema, responses: { 200: ok('Stages, agents, retrieval hits, model calls, QA verdicts') } },
  { method: 'post', path: '/api/conversations/{id}/takeover', summary: 'A person takes the conversation over', tag: 'Conversations', roles: ['reviewer', 'admin'], params: conversationParamsSchema, body: agentBody, responses: { 202: accepted('Taken over') } },
  { method: 'post', path: '/api/conversations/{id}/release', summary: 'Give the conversation back to the assistant', tag: 'Conversations', roles: ['reviewer', 'admin'], params: conversationParamsSchema, body: agentBody, responses: { 202: accepted('Released') } },
  { method: 'post', path: '/api/conversations/{id}/messages', summary: 'A person writes to the customer', tag: 'Conversations', roles: ['reviewer', 'admin'], params: conversationParamsSchema, body: replyBody, responses: { 201: ok('Sent') } },
];

const review: OperationSpec[] = [
  { method: 'get', path: '/api/escalations', summary: 'The reviewer queue', tag: 'Review', roles: ['reviewer', 'admin'], query: escalationQuerySchema, responses: { 200: ok('Escalations') } },
  { method: 'get', path: '/api/escalations/{id}', summary: 'One escalation with its audit trail', tag: 'Review', roles: ['reviewer', 'admin'], params: idParam(), responses: { 200: ok('The escalation') } },
  { method: 'post', path: '/api/escalations/{id}/decision', summary: 'Approve, edit, reject or reassign', tag: 'Review', roles: ['reviewer', 'admin'], params: idParam(), body: decisionBodySchema, responses: { 202: accepted('Decision accepted'), 409: { description: 'Already decided', schema: errorSchema } } },
];

const catalog: OperationSpec[] = [
  { method: 'get', path: '/api/agents', summary: 'The agent catalog', tag: 'Agents', responses: { 200: ok('Agents by team') } },
  { method: 'get', path: '/api/agents/metrics', summary: 'Per-agent metrics', tag: 'Agents', query: agentMetricsQuerySchema, responses: { 200: ok('Metrics') } },
  { method: 'get', path: '/api/agents/{id}', summary: 'One agent with its versions', tag: 'Agents', params: idParam(), responses: { 200: ok('The agent') } },
  { method: 'get', path: '/api/agents/{id}/versions/{version}', summary: 'One version of an agent', tag: 'Agents', params: z.object({ id: z.string(), version: z.string().regex(/^[0-9]+$/) }), responses: { 200: ok('The version') } },
  { method: 'put', path: '/api/agents/{id}', summary: 'Save a new version', tag: 'Agents', roles: ['admin'], params: idParam(), body: saveAgentBodySchema, responses: { 200: ok('The saved agent'), 409: { description: 'Stale expectedVersion', schema: errorSchema } } },
  { method: 'patch', path: '/api/agents/{id}', summary: 'Enable or disable an agent', tag: 'Agents', roles: ['admin'], params: idParam(), body: enableAgentBodySchema, responses: { 200: ok('The agent') } },
  { method: 'get', path: '/api/models', summary: 'Model catalog and provider health', tag: 'Agents', responses: { 200: ok('Models') } },
];

const analytics: OperationSpec[] = ['overview', 'escalations', 'agents'].map((name) => ({ method: 'get', path: `/api/analytics/${name}`, summary: `Analytics: ${name}`, tag: 'Analytics', roles: ['admin', 'operator'], query: windowQuery, responses: { 200: ok(`The ${name} report`) } }));

const knowledge: OperationSpec[] = [
  { method: 'get', path: '/api/knowledge/sources', summary: 'Knowledge sources', tag: 'Knowledge', responses: { 200: ok('Sources') } },
  { method: 'post', path: '/api/knowledge/sources', summary: 'Create a source (website and URL sources sync at once)', tag: 'Knowledge', roles: ['admin'], body: CreateKnowledgeSourceSchema, responses: { 201: ok('The source and its sync workflow id') } },
  { method: 'get', path: '/api/knowledge/sources/{id}', summary: 'One source', tag: 'Knowledge', params: idParam(), responses: { 200: ok('The source') } },
  { method: 'post', path: '/api/knowledge/sources/{id}/sync', summary: 'Sync a source now', tag: 'Knowledge', roles: ['admin'], params: idParam(), responses: { 202: accepted('Sync started'), 409: { description: 'A sync runs already', schema: errorSchema } } },
  { method: 'delete', path: '/api/knowledge/sources/{id}', summary: 'Delete a source with its documents', tag: 'Knowledge', roles: ['admin'], params: idParam(), responses: { 204: noContent } },
  { method: 'get', path: '/api/knowledge/documents', summary: 'Documents', tag: 'Knowledge', query: listDocumentsQuerySchema, responses: { 200: ok('Documents and total') } },
  { method: 'post', path: '/api/knowledge/documents', summary: 'Upload a document', tag: 'Knowledge', roles: ['admin'], body: uploadBody, bodyContentType: 'multipart/form-data', responses: { 202: accepted('Ingestion started') } },
  { method: 'delete', path: '/api/knowledge/documents/{id}', summary: 'Delete a document', tag: 'Knowledge', roles: ['admin'], params: idParam(), responses: { 204: noContent } },
  { method: 'get', path: '/api/knowledge/search', summary: 'Hybrid search (vector + lexical)', tag: 'Knowledge', query: searchQuerySchema, responses: { 200: ok('Hits and per-retriever timings') } },
];

const access: OperationSpec[] = [
  { method: 'get', path: '/api/auth/me', summary: 'Who am I', tag: 'Auth', responses: { 200: ok('The principal', AuthMeResponseSchema) } },
  { method: 'get', path: '/api/auth/keys', summary: 'API keys of the tenant', tag: 'Auth', roles: ['admin'], responses: { 200: ok('Keys (never their secrets)') } },
  { method: 'post', path: '/api/auth/keys', summary: 'Create an API key (the secret is shown once)', tag: 'Auth', roles: ['admin'], body: createApiKeyBodySchema, responses: { 201: ok('The key and its secret') } },
  { method: 'post', path: '/api/auth/keys/{id}/rotate', summary: 'Rotate a key (the old one expires after the grace period)', tag: 'Auth', roles: ['admin'], params: idParam(), body: rotateApiKeyBodySchema, responses: { 201: ok('The new key and its secret') } },
  { method: 'delete', path: '/api/auth/keys/{id}', summary: 'Revoke a key', tag: 'Auth', roles: ['admin'], params: idParam(), responses: { 204: noContent } },
  { method: 'get', path: '/api/audit', summary: 'The audit log', tag: 'Auth', roles: ['admin'], query: auditQuerySchema, responses: { 200: ok('Entries, newest first') } },
];

const webhooks: OperationSpec[] = [
  { method: 'get', path: '/api/webhooks', summary: 'Webhook endpoints', tag: 'Webhooks', roles: ['admin'], responses: { 200: ok('Endpoints', z.object({ endpoints: z.array(WebhookEndpointViewSchema) })) } },
  { method: 'post', path: '/api/webhooks', summary: 'Subscribe an endpoint (the signing secret is shown once)', tag: 'Webhooks', roles: ['admin'], body: CreateWebhookSchema, responses: { 201: ok('The endpoint and its `whsec_` secret', z.object({ endpoint: WebhookEndpointViewSchema, secret: z.string() })) } },
  { method: 'delete', path: '/api/webhooks/{id}', summary: 'Delete an endpoint', tag: 'Webhooks', roles: ['admin'], params: webhookParamsSchema, responses: { 204: noContent } },
  { method: 'get', path: '/api/webhooks/deliveries', summary: 'The delivery log', tag: 'Webhooks', roles: ['admin'], query: WebhookDeliveriesQuerySchema, responses: { 200: ok('Deliveries, newest first', z.object({ deliveries: z.array(WebhookDeliveryViewSchema) })) } },
  { method: 'get', path: '/api/webhooks/deliveries/{id}', summary: 'One delivery with every attempt', tag: 'Webhooks', roles: ['admin'], params: webhookParamsSchema, responses: { 200: ok('The delivery', z.object({ delivery: WebhookDeliveryViewSchema, attempts: z.array(WebhookAttemptViewSchema) })) } },
  { method: 'post', path: '/api/webhooks/deliveries/{id}/replay', summary: 'Deliver the same event again (a new delivery)', tag: 'Webhooks', roles: ['admin'], params: webhookParamsSchema, responses: { 202: accepted('The new delivery', z.object({ deliveryId: z.string() })) } },
];

const operations: OperationSpec[] = [
  { method: 'get', path: '/healthz', summary: 'Liveness', tag: 'Operations', responses: { 200: ok('Alive') } },
  { method: 'get', path: '/readyz', summary: 'Readiness of Temporal, the database and the event log', tag: 'Operations', responses: { 200: ok('Ready'), 503: ok('Not ready') } },
  { method: 'get', path: '/api/openapi.json', summary: 'This document', tag: 'Operations', responses: { 200: ok('OpenAPI 3.1') } },
];

/** Every documented operation. */
export const OPERATIONS: readonly OperationSpec[] = [...conversations, ...review, ...catalog, ...analytics, ...knowledge, ...access, ...webhooks, ...operations];
