/**
 * Every documented HTTP operation with the zod schemas its route validates with (imported from the route
 * modules and `api/schemas.ts`, so the document and the validation cannot drift). Only the multipart upload's
 * file part is described here: multer reads it, no zod schema does.
 */
import { z } from 'zod';
import { CreateKnowledgeSourceSchema } from '../../domain/knowledge.js';
import { AuthMeResponseSchema } from '../../domain/auth.js';
import { CreateWebhookSchema, WebhookAttemptViewSchema, WebhookDeliveriesQuerySchema, WebhookDeliveryViewSchema, WebhookEndpointViewSchema } from '../../domain/webhooks.js';
import { agentIdSchema, agentMetricsQuerySchema, enableAgentBodySchema, saveAgentBodySchema, versionSchema } from '../routes/agents.js';
import { windowSchema } from '../routes/analytics.js';
import { auditQuerySchema, createApiKeyBodySchema, keyIdSchema, rotateApiKeyBodySchema } from '../routes/auth.js';
import { agentBodySchema, replyBodySchema } from '../routes/conversation-control.js';
import { conversationListQuerySchema } from '../routes/conversations.js';
import { decisionBodySchema, escalationIdSchema, escalationQuerySchema } from '../routes/escalations.js';
import { knowledgeIdSchema, listDocumentsQuerySchema, searchQuerySchema, uploadFieldsSchema } from '../routes/knowledge.js';
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

/** `{id}` path parameters, each checked by its route's own id schema. */
const escalationIdParams = z.object({ id: escalationIdSchema });
const agentIdParams = z.object({ id: agentIdSchema });
const knowledgeIdParams = z.object({ id: knowledgeIdSchema });
const keyIdParams = z.object({ id: keyIdSchema });
const uploadBody = uploadFieldsSchema.extend({ file: z.string().meta({ format: 'binary', description: 'Markdown, plain text, HTML or PDF, at most 20 MiB' }) });

const ok = (description: string, schema: z.ZodType = jsonObject): ResponseSpec => ({ description, schema });
const accepted = (description: string, schema: z.ZodType = jsonObject): ResponseSpec => ({ description, schema });
const noContent: ResponseSpec = { description: 'Done; no body' };

const conversations: OperationSpec[] = [
  { method: 'post', path: '/api/chat', summary: 'Send a message (starts a conversation without conversationId)', tag: 'Conversations', query: chatQuerySchema, body: chatBodySchema, responses: { 200: ok('The finished turn (`?wait=true`)', finishedTurnSchema), 202: accepted('Accepted; follow the turn over the WebSocket', acceptedTurnSchema), 409: { description: 'The conversation is closed', schema: errorSchema } } },
  { method: 'get', path: '/api/conversations', summary: 'List conversations', tag: 'Conversations', query: conversationListQuerySchema, responses: { 200: ok('Conversations, newest first') } },
  { method: 'get', path: '/api/conversations/{id}', summary: 'Messages and turns of a conversation', tag: 'Conversations', params: conversationParamsSchema, responses: { 200: ok('The conversation') } },
  { method: 'get', path: '/api/conversations/{id}/state', summary: 'Live workflow state (getState query)', tag: 'Conversations', params: conversationParamsSchema, responses: { 200: ok('The snapshot') } },
  { method: 'get', path: '/api/conversations/{id}/turns/{turnId}', summary: "A turn's trace", tag: 'Conversations', params: turnParamsSchema, responses: { 200: ok('Stages, agents, retrieval hits, model calls, QA verdicts') } },
  { method: 'post', path: '/api/conversations/{id}/takeover', summary: 'A person takes the conversation over', tag: 'Conversations', roles: ['reviewer', 'admin'], params: conversationParamsSchema, body: agentBodySchema, responses: { 202: accepted('Taken over') } },
  { method: 'post', path: '/api/conversations/{id}/release', summary: 'Give the conversation back to the assistant', tag: 'Conversations', roles: ['reviewer', 'admin'], params: conversationParamsSchema, body: agentBodySchema, responses: { 202: accepted('Released') } },
  { method: 'post', path: '/api/conversations/{id}/messages', summary: 'A person writes to the customer', tag: 'Conversations', roles: ['reviewer', 'admin'], params: conversationParamsSchema, body: replyBodySchema, responses: { 201: ok('Sent') } },
];

const review: OperationSpec[] = [
  { method: 'get', path: '/api/escalations', summary: 'The reviewer queue', tag: 'Review', roles: ['reviewer', 'admin'], query: escalationQuerySchema, responses: { 200: ok('Escalations') } },
  { method: 'get', path: '/api/escalations/{id}', summary: 'One escalation with its audit trail', tag: 'Review', roles: ['reviewer', 'admin'], params: escalationIdParams, responses: { 200: ok('The escalation') } },
  { method: 'post', path: '/api/escalations/{id}/decision', summary: 'Approve, edit, reject or reassign', tag: 'Review', roles: ['reviewer', 'admin'], params: escalationIdParams, body: decisionBodySchema, responses: { 202: accepted('Decision accepted'), 409: { description: 'Already decided', schema: errorSchema } } },
];

const catalog: OperationSpec[] = [
  { method: 'get', path: '/api/agents', summary: 'The agent catalog', tag: 'Agents', responses: { 200: ok('Agents by team') } },
  { method: 'get', path: '/api/agents/metrics', summary: 'Per-agent metrics', tag: 'Agents', query: agentMetricsQuerySchema, responses: { 200: ok('Metrics') } },
  { method: 'get', path: '/api/agents/{id}', summary: 'One agent with its versions', tag: 'Agents', params: agentIdParams, responses: { 200: ok('The agent') } },
  { method: 'get', path: '/api/agents/{id}/versions/{version}', summary: 'One version of an agent', tag: 'Agents', params: z.object({ id: agentIdSchema, version: versionSchema }), responses: { 200: ok('The version') } },
  { method: 'put', path: '/api/agents/{id}', summary: 'Save a new version', tag: 'Agents', roles: ['admin'], params: agentIdParams, body: saveAgentBodySchema, responses: { 200: ok('The saved agent'), 409: { description: 'Stale expectedVersion', schema: errorSchema } } },
  { method: 'patch', path: '/api/agents/{id}', summary: 'Enable or disable an agent', tag: 'Agents', roles: ['admin'], params: agentIdParams, body: enableAgentBodySchema, responses: { 200: ok('The agent') } },
  { method: 'get', path: '/api/models', summary: 'Model catalog and provider health', tag: 'Agents', responses: { 200: ok('Models') } },
];

const analytics: OperationSpec[] = ['overview', 'escalations', 'agents'].map((name) => ({ method: 'get', path: `/api/analytics/${name}`, summary: `Analytics: ${name}`, tag: 'Analytics', roles: ['admin', 'operator'], query: windowSchema, responses: { 200: ok(`The ${name} report`) } }));

const knowledge: OperationSpec[] = [
  { method: 'get', path: '/api/knowledge/sources', summary: 'Knowledge sources', tag: 'Knowledge', responses: { 200: ok('Sources') } },
  { method: 'post', path: '/api/knowledge/sources', summary: 'Create a source (website and URL sources sync at once)', tag: 'Knowledge', roles: ['admin'], body: CreateKnowledgeSourceSchema, responses: { 201: ok('The source and its sync workflow id') } },
  { method: 'get', path: '/api/knowledge/sources/{id}', summary: 'One source', tag: 'Knowledge', params: knowledgeIdParams, responses: { 200: ok('The source') } },
  { method: 'post', path: '/api/knowledge/sources/{id}/sync', summary: 'Sync a source now', tag: 'Knowledge', roles: ['admin'], params: knowledgeIdParams, responses: { 202: accepted('Sync started'), 409: { description: 'A sync runs already', schema: errorSchema } } },
  { method: 'delete', path: '/api/knowledge/sources/{id}', summary: 'Delete a source with its documents', tag: 'Knowledge', roles: ['admin'], params: knowledgeIdParams, responses: { 204: noContent } },
  { method: 'get', path: '/api/knowledge/documents', summary: 'Documents', tag: 'Knowledge', query: listDocumentsQuerySchema, responses: { 200: ok('Documents and total') } },
  { method: 'post', path: '/api/knowledge/documents', summary: 'Upload a document', tag: 'Knowledge', roles: ['admin'], body: uploadBody, bodyContentType: 'multipart/form-data', responses: { 202: accepted('Ingestion started') } },
  { method: 'delete', path: '/api/knowledge/documents/{id}', summary: 'Delete a document', tag: 'Knowledge', roles: ['admin'], params: knowledgeIdParams, responses: { 204: noContent } },
  { method: 'get', path: '/api/knowledge/search', summary: 'Hybrid search (vector + lexical)', tag: 'Knowledge', query: searchQuerySchema, responses: { 200: ok('Hits and per-retriever timings') } },
];

const access: OperationSpec[] = [
  { method: 'get', path: '/api/auth/me', summary: 'Who am I', tag: 'Auth', responses: { 200: ok('The principal', AuthMeResponseSchema) } },
  { method: 'get', path: '/api/auth/keys', summary: 'API keys of the tenant', tag: 'Auth', roles: ['admin'], responses: { 200: ok('Keys (never their secrets)') } },
  { method: 'post', path: '/api/auth/keys', summary: 'Create an API key (the secret is shown once)', tag: 'Auth', roles: ['admin'], body: createApiKeyBodySchema, responses: { 201: ok('The key and its secret') } },
  { method: 'post', path: '/api/auth/keys/{id}/rotate', summary: 'Rotate a key (the old one expires after the grace period)', tag: 'Auth', roles: ['admin'], params: keyIdParams, body: rotateApiKeyBodySchema, responses: { 201: ok('The new key and its secret') } },
  { method: 'delete', path: '/api/auth/keys/{id}', summary: 'Revoke a key', tag: 'Auth', roles: ['admin'], params: keyIdParams, responses: { 204: noContent } },
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
