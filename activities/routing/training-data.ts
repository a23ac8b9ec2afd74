/**
 * The labelled examples the default router learns from: each agent's example questions, its description
 * and expertise terms (short, but they teach the vocabulary of a specialty that fourteen questions cannot),
 * the catalog's out-of-scope examples, and reviewer-confirmed past turns of the tenant.
 */
import type { AgentCatalogFile } from '../agents/agent-definition.js';
import type { LabelledExample } from './classifier.js';

/** A past turn whose routing a reviewer confirmed or corrected (`agentId: null` = confirmed out of scope). */
export interface ConfirmedTurn {
  question: string;
  agentId: string | null;
}

/** Training examples from a catalog, plus confirmed turns whose agent still exists in it. */
export function catalogTrainingExamples(catalog: AgentCatalogFile, confirmedTurns: readonly ConfirmedTurn[] = []): LabelledExample[] {
  const ids = new Set(catalog.agents.map((agent) => agent.id));
  return [
    ...catalog.agents.flatMap((agent) => [
      ...agent.exampleQuestions.map((text) => ({ text, agentId: agent.id })),
      { text: agent.description, agentId: agent.id },
      { text: agent.expertise.join(', '), agentId: agent.id },
      ...agent.expertise.map((term) => ({ text: term, agentId: agent.id })),
    ]),
    ...catalog.outOfScope.exampleQuestions.map((text) => ({ text, agentId: null })),
    ...confirmedTurns.filter((turn) => turn.agentId === null || ids.has(turn.agentId)).map((turn) => ({ text: turn.question, agentId: turn.agentId })),
  ];
}
