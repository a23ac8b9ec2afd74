/**
 * What the agent activities need from the versioned catalog: the definition an agent runs with (the version
 * the router chose, else the repository file) and one `agent_runs` row per invocation for the per-agent metrics.
 */
import type { LlmCall } from '../../domain/types.js';
import type { ActivityDependencies } from '../dependencies.js';
import type { TurnRef } from '../events/publisher.js';
import type { AgentRunRecord } from '../persistence/store.js';
import { findAgent, type AgentDefinition } from './catalog.js';

/** The fields of a definition an agent's activities read. */
export type RunnableAgent = Pick<AgentDefinition, 'id' | 'name' | 'description' | 'systemPrompt' | 'escalationRules' | 'preferredTier'> & {
  /** The catalog version used; null when the definition came from the repository file. */
  version: number | null;
};

/** The stored definition at `version` when given and present, else the repository file's; undefined for an unknown agent. */
export async function resolveAgent(dependencies: ActivityDependencies, agentId: string, version: number | undefined): Promise<RunnableAgent | undefined> {
  if (version !== undefined) {
    const record = await dependencies.store.getAgent(agentId, version);
    if (record !== null) return { ...pick(record.definition), version: record.version };
    dependencies.logger.warn({ agentId, version }, 'agent version not in the catalog; using the repository definition');
  }
  const file = findAgent(agentId);
  return file === undefined ? undefined : { ...pick(file), version: null };
}

function pick(definition: AgentDefinition): Omit<RunnableAgent, 'version'> {
  const { id, name, description, systemPrompt, escalationRules, preferredTier } = definition;
  return { id, name, description, systemPrompt, escalationRules, preferredTier };
}

/** One invocation to record: the model calls it made (none offline, or none before a failure). */
export interface AgentRunInput {
  turn: TurnRef & { tenantId?: string };
  agentId: string;
  round: 1 | 2;
  agentVersion: number | null;
  outcome: AgentRunRecord['outcome'];
  latencyMs: number;
  calls: readonly LlmCall[];
  confidence: number | null;
}

/**
 * Writes the `agent_runs` row, idempotent by (turn, agent, round). Best effort: a metrics write that fails is
 * logged and never fails the customer's turn (or re-runs its model call).
 */
export async function recordAgentRun(dependencies: ActivityDependencies, input: AgentRunInput): Promise<void> {
  try {
    const tenantId = input.turn.tenantId ?? (await dependencies.store.getConversation(input.turn.conversationId))?.conversation.tenantId;
    if (tenantId === undefined) return;
    await dependencies.store.recordAgentRuns([
      {
        turnId: input.turn.turnId,
        conversationId: input.turn.conversationId,
        tenantId,
        agentId: input.agentId,
        round: input.round,
        agentVersion: input.agentVersion,
        outcome: input.outcome,
        latencyMs: Math.round(input.latencyMs),
        inputTokens: input.calls.reduce((sum, call) => sum + call.usage.inputTokens, 0),
        outputTokens: input.calls.reduce((sum, call) => sum + call.usage.outputTokens, 0),
        costUsd: input.calls.reduce((sum, call) => sum + call.costUsd, 0),
        confidence: input.confidence,
      },
    ]);
  } catch (error) {
    dependencies.logger.warn({ err: error, agentId: input.agentId, turnId: input.turn.turnId, round: input.round }, 'could not record the agent run');
  }
}
