/**
 * Structured agent output: the zod schemas a real model's JSON must satisfy (findings in round 1, stances
 * in round 2), their JSON Schemas for `ChatRequest.responseFormat`, and a parser that never trusts the text
 * (both from `llm/structured-output.ts`). Pure.
 */
import { z } from 'zod';
import type { ChatRequest, ChatResult } from '../llm/chat-model.js';
import { ProviderError } from '../llm/provider-error.js';
import { jsonSchemaOf, parseObject } from '../llm/structured-output.js';

/** Document numbers as the model sees them: `[n]` is `request.documents[n - 1]`. */
const documentNumbers = z.array(z.number().int().min(1)).max(8);

/** Round 1: what one agent found. */
export const agentOutputSchema = z.object({
  claims: z.array(z.object({ text: z.string().trim().min(1).max(600), citations: documentNumbers })).max(8),
  draft: z.string().max(2000),
  confidence: z.number().min(0).max(1),
  needsHuman: z.boolean(),
  needsHumanReason: z.string().max(300).nullable(),
});
export type AgentOutput = z.infer<typeof agentOutputSchema>;

/** Round 2: one agent's stances on the blackboard (`target` is a claim number of the blackboard list). */
export const reviewOutputSchema = z.object({
  stances: z
    .array(
      z.object({
        kind: z.enum(['confirm', 'refine', 'contest']),
        target: z.number().int().min(1).nullable(),
        claim: z.object({ text: z.string().trim().min(1).max(600), citations: documentNumbers }).nullable(),
        reason: z.string().max(300),
      }),
    )
    .max(8),
});
export type ReviewOutput = z.infer<typeof reviewOutputSchema>;

/** `responseFormat` for a schema: the adapters map it to each vendor's native JSON mode. */
export function responseFormatOf(name: string, schema: z.ZodType): NonNullable<ChatRequest['responseFormat']> {
  return { type: 'json', name, schema: jsonSchemaOf(schema) };
}

/**
 * The model's reply parsed and validated with `schema` (a code fence or prose around the JSON tolerated), or
 * null for anything else: the caller falls back instead of failing the turn on a malformed reply.
 */
export function parseStructured<Schema extends z.ZodType>(result: ChatResult, schema: Schema): z.output<Schema> | null {
  try {
    return parseObject(result, schema);
  } catch (error) {
    if (error instanceof ProviderError) return null;
    throw error;
  }
}
