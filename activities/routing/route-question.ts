import type { AgentChoice, Complexity, RouteDecision } from '../../domain/types.js';
import { AGENT_CATALOG, FALLBACK_AGENT_ID, type AgentDefinition } from '../agents/catalog.js';
import type { ActivityDependencies } from '../dependencies.js';
import type { TurnRef } from '../events/publisher.js';
import { terms } from '../llm/text.js';
import { createStageRecorder } from '../turn/stage-recorder.js';

export interface RouteQuestionInput extends TurnRef {
  question: string;
}

const MAX_AGENTS = 3;
/** A request to reach a person: "talk to a human", "connect me with an agent", "a real person". */
const PERSON = String.raw`(?:a |an |the |some )?(?:real |live )?(?:human|person|agent|representative|someone|somebody)\b`;
const HUMAN_REQUEST = new RegExp(
  [
    String.raw`\b(?:talk|speak|chat)\s+(?:to|with)\s+${PERSON}`,
    String.raw`\b(?:connect|transfer|put)\s+me\s+(?:to|with|through to)\s+${PERSON}`,
    String.raw`\b(?:real|live)\s+(?:person|human)\b`,
    String.raw`\bhuman\s+(?:agent|support|being)\b`,
  ].join('|'),
  'i',
);
const NON_LATIN = /[^\p{Script=Latin}\p{N}\p{P}\p{Z}\p{S}]/u;

interface IndexedAgent {
  agent: AgentDefinition;
  stems: Set<string>;
}

const INDEXED_AGENTS: IndexedAgent[] = AGENT_CATALOG.map((agent) => ({
  agent,
  stems: new Set(agent.expertise.flatMap((word) => terms(word))),
}));

/** Scores each agent by the share of the question's terms inside its expertise. */
/** Raw (unrounded) scores: thresholds compare these; only the decision's output is rounded. */
function scoreAgents(questionTerms: string[]): AgentChoice[] {
  const unique = [...new Set(questionTerms)];
  return INDEXED_AGENTS.map(({ agent, stems }) => {
    const matched = unique.filter((term) => stems.has(term));
    const score = unique.length === 0 ? 0 : Math.min(1, matched.length / Math.min(unique.length, 3));
    return { agentId: agent.id, score, reason: matched.length > 0 ? `matched: ${matched.join(', ')}` : '' };
  })
    .filter((choice) => choice.score > 0)
    .sort((left, right) => right.score - left.score || left.agentId.localeCompare(right.agentId));
}

const rounded = (score: number): number => Number(score.toFixed(3));

function complexityOf(question: string, agentCount: number): Complexity {
  const sentences = question.split(/[.?!]+\s/).length;
  if (agentCount >= 3 || question.length > 600 || sentences > 4) return 'complex';
  if (agentCount === 2 || question.length > 200) return 'moderate';
  return 'simple';
}

/**
 * Lexical router: picks up to three specialists whose expertise overlaps the question, or the fallback
 * generalist, with a score and a one-line reason each. The agent-catalog issue adds a learned classifier.
 */
export function routeQuestionLexically(question: string): RouteDecision {
  const questionTerms = terms(question);
  const ranked = scoreAgents(questionTerms);
  const top = ranked[0]?.score ?? 0;
  const chosen = ranked.filter((choice) => choice.score >= Math.max(0.2, top * 0.5)).slice(0, MAX_AGENTS);
  const agents: AgentChoice[] =
    chosen.length > 0 ? chosen.map((choice) => ({ ...choice, score: rounded(choice.score) })) : [{ agentId: FALLBACK_AGENT_ID, score: 0, reason: 'no specialist matched; generalist takes it' }];
  return {
    intent: chosen.length > 0 ? `${chosen[0]?.agentId ?? FALLBACK_AGENT_ID}-question` : 'general-question',
    complexity: complexityOf(question, agents.length),
    language: NON_LATIN.test(question) ? 'und' : 'en',
    agents,
    confidence: rounded(top),
    wantsHuman: HUMAN_REQUEST.test(question),
  };
}

export function createRoutingActivities(dependencies: ActivityDependencies) {
  const stages = createStageRecorder(dependencies);
  return {
    /** Route stage: intent, complexity, language and the specialists to involve. */
    async routeQuestion(input: RouteQuestionInput): Promise<RouteDecision> {
      return stages.run(
        input,
        'route',
        () => Promise.resolve(routeQuestionLexically(input.question)),
        (route) => ({ summary: route.agents.map((agent) => agent.agentId).join(', '), trace: { route } }),
      );
    },
  };
}
