/**
 * The keyword fallback: scores each agent by how many of its expertise terms (words or phrases, several
 * languages) the question contains. Never fails and needs no model, so it backs the classifier when the
 * classifier is unsure (short, non-English or unusual questions) and when no model is available at all.
 */
import type { AgentDefinition } from '../agents/agent-definition.js';
import { terms } from '../llm/text.js';

/** One agent the keywords point at, with a raw score in [0, 1] and the matched terms. */
export interface KeywordMatch {
  agentId: string;
  score: number;
  matched: string[];
}

interface IndexedAgent {
  agentId: string;
  /** Each expertise entry as its stemmed terms (a phrase matches when all its terms occur). */
  entries: { label: string; stems: string[] }[];
}

/** A keyword index over a catalog's expertise terms. */
export class KeywordRouter {
  private readonly agents: IndexedAgent[];

  constructor(agents: readonly AgentDefinition[]) {
    this.agents = agents.map((agent) => ({
      agentId: agent.id,
      entries: agent.expertise
        .map((entry) => ({ label: entry.toLowerCase(), stems: terms(entry) }))
        .filter((entry) => entry.stems.length > 0),
    }));
  }

  /** Agents whose expertise the question mentions, best first (ties by id); empty when nothing matches. */
  rank(question: string): KeywordMatch[] {
    // Latin-script runs inside other scripts ("APIキー") are words of their own.
    const questionTerms = new Set([...terms(question), ...(question.match(/[A-Za-z][A-Za-z0-9-]*/g) ?? []).flatMap((run) => terms(run))]);
    if (questionTerms.size === 0) return [];
    const matches: KeywordMatch[] = [];
    for (const agent of this.agents) {
      const matched = agent.entries.filter((entry) => entry.stems.every((stem) => questionTerms.has(stem)));
      const covered = new Set(matched.flatMap((entry) => entry.stems));
      if (covered.size === 0) continue;
      const score = Math.min(1, covered.size / Math.min(questionTerms.size, 3));
      matches.push({ agentId: agent.agentId, score, matched: [...new Set(matched.map((entry) => entry.label))] });
    }
    return matches.sort((left, right) => right.score - left.score || left.agentId.localeCompare(right.agentId));
  }
}
