/**
 * Structured-output calls for the QA stage's model-based checks (injection classifier, grounding judge):
 * the request carries a JSON Schema in `responseFormat`, and the reply is validated with zod. When
 * `activities/llm/structured-output.ts` (`generateObject`) lands, this helper should delegate to it.
 */
import { z } from 'zod';
import type { CallOptions, ChatModel, ChatRequest } from '../llm/chat-model.js';

/** True for a model that can judge text: any configured provider except the offline extractive model. */
export function isJudgeModel(model: ChatModel | undefined): model is ChatModel {
  return model !== undefined && model.provider !== 'offline';
}

/** The first JSON object in a reply (models sometimes wrap it in a code fence or a sentence). */
function jsonOf(text: string): unknown {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end <= start) throw new Error('the model reply holds no JSON object');
  return JSON.parse(text.slice(start, end + 1)) as unknown;
}

/**
 * Asks `model` for an object matching `schema` and returns it validated. Throws when the reply is not
 * valid JSON or does not match: callers fall back to their heuristics and say so in the evidence.
 */
export async function askForObject<T>(
  model: ChatModel,
  request: Omit<ChatRequest, 'responseFormat'> & { schemaName: string },
  schema: z.ZodType<T>,
  options?: CallOptions,
): Promise<T> {
  const { schemaName, ...rest } = request;
  const jsonSchema = z.toJSONSchema(schema) as Record<string, unknown>;
  const result = await model.generate({ ...rest, temperature: 0, responseFormat: { type: 'json', name: schemaName, schema: jsonSchema } }, options);
  return schema.parse(jsonOf(result.text));
}
