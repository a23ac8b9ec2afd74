/** Builders of passages and findings for the agent and synthesis tests. */
import type { AgentFinding, Claim, Passage } from '../../../domain/types.js';

/** A knowledge passage; `updatedAt` null unless given. */
export function passage(id: string, text = `Text of ${id}.`, extra: Partial<Passage> = {}): Passage {
  return {
    id,
    source: 'knowledge',
    documentId: id.split('#')[0] ?? id,
    title: `Title of ${id}`,
    url: `https://help.example/${id}`,
    text,
    score: 0.5,
    updatedAt: null,
    untrusted: false,
    ...extra,
  };
}

/** A round-1 finding whose passages are `passages` (claims may cite any of them). */
export function finding(agentId: string, claims: Claim[], passages: Passage[], extra: Partial<AgentFinding> = {}): AgentFinding {
  return {
    agentId,
    claims,
    passages,
    confidence: 0.5,
    llmCall: { purpose: 'agent', provider: 'offline', modelId: 'offline-extractive-v1', usage: { inputTokens: 10, outputTokens: 5 }, costUsd: 0, latencyMs: 1, attempt: 1, agentId },
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:00:01.000Z',
    draft: claims.map((claim) => claim.text).join(' '),
    needsHuman: false,
    needsHumanReason: null,
    round: 1,
    metrics: { latencyMs: 1, inputTokens: 10, outputTokens: 5, costUsd: 0, confidence: 0.5, claims: claims.length, needsHuman: false },
    ...extra,
  };
}

/** A claim citing the given passages. */
export function claim(text: string, ...cited: Passage[]): Claim {
  return { text, passageIds: cited.map((cite) => cite.id) };
}
