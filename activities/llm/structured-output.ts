/**
 * Structured output over any `ChatModel`: the zod schema becomes the request's JSON Schema
 * (`responseFormat`, which each adapter maps to its vendor's native JSON mode), and the reply is parsed and
 * validated with the same zod schema. A reply that is not JSON or does not match fails as a `ProviderError`
 * of kind `malformed` (retryable: the router may try again or move to another model).
 */
import { z } from 'zod';
import type { CallOptions, ChatModel, ChatRequest, ChatResult } from './chat-model.js';
import { ProviderError, ProviderErrorKind } from './provider-error.js';

/** What {@link generateObject} returns: the validated object and the raw call result (usage, model). */
export interface GeneratedObject<T> {
  object: T;
  result: ChatResult;
}

/** Options of {@link generateObject}. */
export interface GenerateObjectOptions extends CallOptions {
  /** Name of the schema for the vendor (OpenAI `json_schema.name`, Anthropic tool description); default `response`. */
  name?: string;
}

/**
 * Asks `model` for JSON matching `schema` and returns it parsed and validated. The schema's root must be an
 * object (OpenAI's `json_schema` and Anthropic's tool input require one).
 */
export async function generateObject<Schema extends z.ZodType>(
  model: ChatModel,
  request: Omit<ChatRequest, 'responseFormat'>,
  schema: Schema,
  options: GenerateObjectOptions = {},
): Promise<GeneratedObject<z.output<Schema>>> {
  const { name = 'response', ...callOptions } = options;
  const responseFormat = { type: 'json' as const, name, schema: jsonSchemaOf(schema) };
  const result = await model.generate({ ...request, responseFormat }, callOptions);
  return { object: parseObject(result, schema), result };
}

/** The JSON Schema of a zod schema, without the `$schema` key that some vendors reject. */
export function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _ignored, ...jsonSchema } = z.toJSONSchema(schema, { target: 'draft-7', io: 'output', unrepresentable: 'any' }) as Record<string, unknown>;
  if (jsonSchema.type !== 'object') throw new TypeError(`structured output needs an object schema at the root, got ${String(jsonSchema.type)}`);
  return jsonSchema;
}

/** Parses and validates a model's JSON reply (code fences and surrounding prose tolerated). */
export function parseObject<Schema extends z.ZodType>(result: ChatResult, schema: Schema): z.output<Schema> {
  const malformed = (message: string, cause?: unknown): ProviderError =>
    new ProviderError(`${result.provider}/${result.modelId}: ${message}`, { kind: ProviderErrorKind.malformed, provider: result.provider, modelId: result.modelId, cause });
  let value: unknown;
  try {
    value = JSON.parse(extractJson(result.text));
  } catch (error) {
    throw malformed('the reply is not JSON', error);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw malformed(`the reply does not match the schema: ${z.prettifyError(parsed.error)}`, parsed.error);
  return parsed.data;
}

/** The JSON inside a reply: the body of a ```json fence if there is one, else from the first `{` to the last `}`. */
export function extractJson(text: string): string {
  const fenced = /```(?:json|JSON)?\s*\n?([\s\S]*?)```/.exec(text);
  if (fenced?.[1] !== undefined) return fenced[1].trim();
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  return start >= 0 && end > start ? text.slice(start, end + 1) : text.trim();
}
