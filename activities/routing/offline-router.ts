/**
 * The offline route decision: the learned classifier first, the keyword fallback when the classifier is
 * unsure or has no model, and the generalist when nothing matches. Synchronous and model-free at decision
 * time (a dot product over the question's n-grams), so it is what the evaluation measures.
 */
import type { AgentChoice, HumanRequiredTopic, RouteDecision, RoutingStrategy } from '../../domain/types.js';
import type { AgentDefinition } from '../agents/agent-definition.js';
import type { RouterClassification, RoutingClassifier } from './classifier.js';
import { KeywordRouter, type KeywordMatch } from './keyword-router.js';
import { complexityOf, detectLanguage, detectSensitivity, stripInjection, topicParts, wantsHuman } from './signals.js';

/** Largest number of agents on one question. */
export const MAX_AGENTS = 3;
/** A topic part of a multi-topic question adds its own agent when the classifier is at least this sure of it. */
const PART_CONFIDENCE = 0.5;

/** What the offline router needs: the catalog, its generalist and (optionally) a trained classifier. */
export interface OfflineRouterOptions {
  agents: readonly AgentDefinition[];
  fallbackAgentId: string;
  classifier?: RoutingClassifier;
}

/** The parts of a decision every strategy shares: language, sensitivity, human request, injection. */
export interface QuestionSignals {
  text: string;
  language: string;
  sensitivity: ReturnType<typeof detectSensitivity>;
  wantsHuman: boolean;
  injection: boolean;
}

/** Reads the strategy-independent signals; `text` is the question without injected instructions. */
export function readSignals(question: string): QuestionSignals {
  const { text, injection } = stripInjection(question);
  const routed = text === '' ? question : text;
  return { text, language: detectLanguage(routed), sensitivity: detectSensitivity(text), wantsHuman: wantsHuman(question), injection };
}

const rounded = (score: number): number => Number(score.toFixed(3));

/** Creates the offline router. */
export function createOfflineRouter(options: OfflineRouterOptions): (question: string) => RouteDecision {
  const keywords = new KeywordRouter(options.agents);
  const byId = new Map(options.agents.map((agent) => [agent.id, agent]));
  const choice = (agentId: string, score: number, reason: string): AgentChoice => ({ agentId, team: byId.get(agentId)?.team ?? 'customer', score: rounded(score), reason });

  return (question) => {
    const signals = readSignals(question);
    const keywordMatches = keywords.rank(signals.text);
    const classification = options.classifier?.classify(signals.text);
    const picked = pickAgents(signals, classification, keywordMatches, options, choice);
    return finishDecision(question, signals, picked, byId, options.classifier?.version);
  };
}

interface PickedAgents {
  agents: AgentChoice[];
  outOfScope: boolean;
  strategy: RoutingStrategy;
  confidence: number;
}

type ChoiceFactory = (agentId: string, score: number, reason: string) => AgentChoice;

function pickAgents(signals: QuestionSignals, classification: RouterClassification | undefined, keywordMatches: KeywordMatch[], options: OfflineRouterOptions, choice: ChoiceFactory): PickedAgents {
  const generalist = (reason: string): PickedAgents => ({ agents: [choice(options.fallbackAgentId, 0, reason)], outOfScope: false, strategy: 'keyword', confidence: 0 });
  if (!/\p{L}/u.test(signals.text)) return generalist(signals.injection ? 'only instructions to the assistant, no question; generalist takes it' : 'no question text; generalist takes it');
  const english = signals.language === 'en';
  if (classification === undefined || !english) {
    return keywordMatches.length > 0 ? fromKeywords(keywordMatches, choice) : generalist('no specialist matched; generalist takes it');
  }
  const top = classification.agents[0];
  const thresholds = options.classifier?.thresholds ?? { outOfScope: 0.5, unsure: 0.3 };
  if (classification.outOfScopeProbability >= thresholds.outOfScope && !signals.wantsHuman) {
    return { agents: [], outOfScope: true, strategy: 'classifier', confidence: classification.outOfScopeProbability };
  }
  if (top === undefined || top.probability < thresholds.unsure) {
    if (keywordMatches.length > 0) return fromKeywords(keywordMatches, choice);
    if (top === undefined || top.probability < thresholds.unsure / 2) return generalist('classifier unsure and no keyword matched; generalist takes it');
  }
  return fromClassifier(signals.text, classification, options, choice);
}

function fromKeywords(matches: KeywordMatch[], choice: ChoiceFactory): PickedAgents {
  const best = matches[0]?.score ?? 0;
  const agents = matches
    .filter((match) => match.score >= Math.max(0.2, best * 0.5))
    .slice(0, MAX_AGENTS)
    .map((match) => choice(match.agentId, match.score, `keywords: ${match.matched.slice(0, 4).join(', ')}`));
  return { agents, outOfScope: false, strategy: 'keyword', confidence: rounded(best) };
}

function fromClassifier(text: string, classification: RouterClassification, options: OfflineRouterOptions, choice: ChoiceFactory): PickedAgents {
  const top = classification.agents[0]?.probability ?? 0;
  const agents = classification.agents
    .filter((agent) => agent.probability >= Math.max(0.12, top * 0.35))
    .slice(0, MAX_AGENTS)
    .map((agent, index) => choice(agent.agentId, agent.probability, `classifier ${index === 0 ? 'top match' : 'also likely'} (p=${agent.probability.toFixed(2)})`));
  const classifier = options.classifier;
  const parts = classifier === undefined ? [] : topicParts(text);
  if (classifier !== undefined && parts.length > 1) {
    for (const part of parts) {
      const partTop = classifier.classify(part);
      const best = partTop.agents[0];
      if (best === undefined || best.probability < PART_CONFIDENCE || partTop.outOfScopeProbability >= best.probability) continue;
      if (agents.some((agent) => agent.agentId === best.agentId)) continue;
      const excerpt = part.length > 48 ? `${part.slice(0, 45)}...` : part;
      agents.push(choice(best.agentId, best.probability * top, `classifier on "${excerpt}" (p=${best.probability.toFixed(2)})`));
    }
  }
  const [primary, ...others] = agents;
  const ordered = primary === undefined ? [] : [primary, ...others.sort((left, right) => right.score - left.score)];
  return { agents: ordered.slice(0, MAX_AGENTS), outOfScope: false, strategy: 'classifier', confidence: rounded(top) };
}

/** Builds the decision from picked agents and the shared signals (also used by the LLM strategy). */
export function finishDecision(
  question: string,
  signals: QuestionSignals,
  picked: PickedAgents,
  byId: ReadonlyMap<string, AgentDefinition>,
  routerVersion: string | undefined,
): RouteDecision {
  const primary = picked.agents[0]?.agentId;
  return {
    intent: picked.outOfScope ? 'out-of-scope' : primary === undefined || picked.agents[0]?.score === 0 ? 'general-question' : `${primary}-question`,
    complexity: complexityOf(question, picked.agents.length),
    language: signals.language,
    agents: picked.agents,
    confidence: rounded(picked.confidence),
    wantsHuman: signals.wantsHuman,
    sensitivity: signals.sensitivity,
    outOfScope: picked.outOfScope,
    strategy: picked.strategy,
    ...(routerVersion === undefined ? {} : { routerVersion }),
    humanRequiredTopics: humanTopics(question, picked.agents, byId),
    injectionIgnored: signals.injection,
  };
}

function humanTopics(question: string, agents: readonly AgentChoice[], byId: ReadonlyMap<string, AgentDefinition>): HumanRequiredTopic[] {
  return agents.flatMap((choice) =>
    (byId.get(choice.agentId)?.escalationRules ?? [])
      .filter((rule) => (rule.patterns ?? []).some((pattern) => new RegExp(pattern, 'i').test(question)))
      .map((rule) => ({ agentId: choice.agentId, topic: rule.topic })),
  );
}
