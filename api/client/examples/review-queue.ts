/**
 * Example: a reviewer's backend works the queue — lists pending escalations and approves, edits or rejects
 * each one. A decision someone else made first answers 409 `already_decided`, which is skipped.
 *
 *   AGENTCRAFT_URL=http://localhost:3000 AGENTCRAFT_TOKEN=<reviewer JWT or key> npx tsx api/client/examples/review-queue.ts
 */
import { AgentCraftApiError, AgentCraftClient, type DecisionInput } from '../agentcraft-client.js';
import { runIfMain } from './run-main.js';

export interface ReviewQueueResult {
  decided: { escalationId: string; action: string }[];
  skipped: string[];
}

/** Decides every pending escalation with `decide` (default: approve as is). */
export async function reviewQueue(options: { baseUrl: string; token?: string; reviewer?: string; decide?: (escalation: { id: string; question?: unknown }) => DecisionInput }): Promise<ReviewQueueResult> {
  const client = new AgentCraftClient({ baseUrl: options.baseUrl, ...(options.token === undefined ? {} : { token: options.token }) });
  const reviewer = options.reviewer ?? 'example-reviewer';
  const decide = options.decide ?? (() => ({ action: 'approve', reviewer }) as const);
  const { escalations } = await client.listEscalations({ status: 'pending', limit: 50 });
  const result: ReviewQueueResult = { decided: [], skipped: [] };
  for (const escalation of escalations) {
    try {
      const decision = await client.decide(escalation.id, decide(escalation));
      result.decided.push({ escalationId: decision.escalationId, action: decision.action });
    } catch (error) {
      if (error instanceof AgentCraftApiError && error.code === 'already_decided') result.skipped.push(escalation.id);
      else throw error;
    }
  }
  return result;
}

runIfMain(import.meta.url, () => reviewQueue({ baseUrl: process.env.AGENTCRAFT_URL ?? 'http://localhost:3000', ...(process.env.AGENTCRAFT_TOKEN === undefined ? {} : { token: process.env.AGENTCRAFT_TOKEN }) }));
