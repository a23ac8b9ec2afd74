/** Response shapes the OpenAPI document names (request shapes come from the routes' own schemas). */
import { z } from 'zod';

/** Any JSON object (responses not yet described field by field). */
export const jsonObject = z.record(z.string(), z.unknown());

export const errorSchema = z
  .object({ error: z.object({ code: z.string().meta({ description: 'Stable snake_case code' }), message: z.string(), requestId: z.string() }) })
  .meta({ id: 'Error' });

const citationSchema = z.object({ index: z.number().int(), title: z.string(), url: z.string().nullable().optional() }).loose();

export const acceptedTurnSchema = z
  .object({ conversationId: z.string(), turnId: z.string(), workflowId: z.string(), turnWorkflowId: z.string().optional(), status: z.literal('running').optional() })
  .meta({ id: 'AcceptedTurn' });

export const finishedTurnSchema = z
  .object({
    conversationId: z.string(),
    workflowId: z.string(),
    turnId: z.string(),
    status: z.string(),
    answer: z.string(),
    citations: z.array(citationSchema),
    confidence: z.number(),
    agents: z.array(z.object({ id: z.string() }).loose()),
    escalated: z.boolean(),
    escalationId: z.string().optional(),
    outOfScope: z.boolean().optional(),
    costUsd: z.number(),
  })
  .meta({ id: 'FinishedTurn' });
