/**
 * Builds the OpenAPI 3.1 document from `OPERATIONS` with `zod-openapi`, which renders zod 4 schemas through
 * zod's own JSON Schema conversion (`z.toJSONSchema`) and adds what OpenAPI needs on top: parameters from
 * query and path objects, input vs output shapes of transformed schemas, and named components (`.meta({ id })`).
 */
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject, type ZodOpenApiResponsesObject } from 'zod-openapi';
import { OPERATIONS, type OperationSpec } from './operations.js';
import { errorSchema } from './response-schemas.js';

export type OpenApiDocument = ReturnType<typeof createDocument>;

export interface DocumentOptions {
  /** Only these `METHOD /path` operations (the mounted ones); all when absent. */
  include?: ReadonlySet<string>;
  version?: string;
}

const operationKey = (operation: Pick<OperationSpec, 'method' | 'path'>): string => `${operation.method.toUpperCase()} ${operation.path}`;

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: errorSchema } } });

function responsesOf(operation: OperationSpec): ZodOpenApiResponsesObject {
  const responses: ZodOpenApiResponsesObject = {};
  for (const [status, spec] of Object.entries(operation.responses)) {
    responses[status as `${1 | 2 | 3 | 4 | 5}${string}`] = spec.schema === undefined ? { description: spec.description } : { description: spec.description, content: { 'application/json': { schema: spec.schema } } };
  }
  if (operation.body !== undefined || operation.query !== undefined || operation.params !== undefined) responses['400'] ??= errorResponse('Invalid input (`invalid_request`, `invalid_json`)');
  if (operation.roles !== undefined) {
    responses['401'] ??= errorResponse('No valid credentials (`unauthorized`)');
    responses['403'] ??= errorResponse(`Needs one of the roles: ${operation.roles.join(', ')} (\`forbidden\`)`);
  }
  if (operation.params !== undefined) responses['404'] ??= errorResponse('Not found (also for another tenant\'s ids)');
  if (operation.body !== undefined) responses['413'] ??= errorResponse('Body too large (`payload_too_large`)');
  responses['429'] ??= errorResponse('Rate limited (`rate_limited`); see `Retry-After`');
  return responses;
}

function operationObject(operation: OperationSpec): ZodOpenApiOperationObject {
  const description = operation.roles === undefined ? undefined : `Roles: ${operation.roles.join(', ')}.`;
  return {
    operationId: `${operation.method}${operation.path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_match, next: string | undefined) => (next ?? '').toUpperCase())}`,
    summary: operation.summary,
    ...(description === undefined ? {} : { description }),
    tags: [operation.tag],
    ...(operation.params === undefined && operation.query === undefined ? {} : { requestParams: { ...(operation.params === undefined ? {} : { path: operation.params }), ...(operation.query === undefined ? {} : { query: operation.query }) } }),
    ...(operation.body === undefined ? {} : { requestBody: { required: true, content: { [operation.bodyContentType ?? 'application/json']: { schema: operation.body } } } }),
    responses: responsesOf(operation),
  };
}

/** The document; cheap enough to build per process once (the router caches it). */
export function buildOpenApiDocument(options: DocumentOptions = {}): OpenApiDocument {
  const paths: ZodOpenApiPathsObject = {};
  for (const operation of OPERATIONS) {
    if (options.include !== undefined && !options.include.has(operationKey(operation))) continue;
    paths[operation.path] = { ...paths[operation.path], [operation.method]: operationObject(operation) };
  }
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: 'AgentCraft API',
      version: options.version ?? '0.1.0',
      description: [
        'REST API of AgentCraft, a durable multi-agent assistant: every conversation is a Temporal workflow.',
        'Errors are `{ error: { code, message, requestId } }`. Live progress: WebSocket `/api/ws/agent-tracking`',
        '(`{ type: "subscribe", conversationId, fromSeq? }`). Webhooks are signed per Standard Webhooks.',
      ].join(' '),
    },
    security: [{ bearer: [] }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'A JWT or an API key `ack_<keyId>_<secret>`' } } },
    paths,
  });
}

export { operationKey };
