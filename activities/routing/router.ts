/**
 * The combined router: the LLM strategy when a real model is configured, else (or when the LLM fails or
 * returns invalid output) the learned classifier, with the keyword fallback when the classifier is unsure,
 * and the generalist when nothing matches. Language, sensitivity, the request for a person and
 * prompt-injection handling are computed the same way whatever strategy decides.
 */
import type { RouteDecision } from '../../domain/types.js';
import type { AgentCatalogFile } from '../agents/agent-definition.js';
import type { CallOptions, ChatModel } from '../llm/chat-model.js';
import type { RoutingClassifier } from './classifier.js';
import { createLlmRouter, type LlmRoute } from './llm-router.js';
import { createOfflineRouter, finishDecision, readSignals } from './offline-router.js';

/** What the combined router is built from. */
export interface RouterOptions {
  catalog: AgentCatalogFile;
  /** The learned classifier; without one the keyword fallback decides offline. */
  classifier?: RoutingClassifier;
  /** A real model for the LLM strategy; the offline extractive model (provider `offline`) is ignored. */
  chatModel?: ChatModel;
}

/** Routes questions. `route` may call the LLM; `routeOffline` never does (and never fails). */
export interface Router {
  route(question: string, options?: CallOptions): Promise<RouteDecision>;
  routeOffline(question: string): RouteDecision;
}

/** Builds the combined router. */
export function createRouter(options: RouterOptions): Router {
  const { catalog } = options;
  const routeOffline = createOfflineRouter({ agents: catalog.agents, fallbackAgentId: catalog.fallbackAgentId, ...(options.classifier ? { classifier: options.classifier } : {}) });
  const llm = options.chatModel !== undefined && options.chatModel.provider !== 'offline' ? createLlmRouter(options.chatModel, catalog.agents, catalog.company) : undefined;
  const byId = new Map(catalog.agents.map((agent) => [agent.id, agent]));

  const fromLlm = (question: string, signals: ReturnType<typeof readSignals>, route: LlmRoute): RouteDecision => {
    const agents = route.outOfScope ? [] : route.agents.map((agent) => ({ ...agent, team: byId.get(agent.agentId)?.team ?? 'customer', reason: `llm: ${agent.reason}` }));
    const outOfScope = agents.length === 0 && !signals.wantsHuman;
    const picked = {
      agents: agents.length === 0 && !outOfScope ? [{ agentId: catalog.fallbackAgentId, team: byId.get(catalog.fallbackAgentId)?.team ?? 'customer', score: 0, reason: 'request for a person; generalist takes it' }] : agents,
      outOfScope,
      strategy: 'llm' as const,
      confidence: agents[0]?.score ?? 0,
    };
    const decision = finishDecision(question, signals, picked, byId, route.modelId);
    return { ...decision, intent: outOfScope ? 'out-of-scope' : route.intent };
  };

  return {
    routeOffline,
    async route(question, callOptions) {
      if (llm === undefined) return routeOffline(question);
      const signals = readSignals(question);
      if (!/\p{L}/u.test(signals.text)) return routeOffline(question);
      const route = await llm.route(signals.text, callOptions);
      return route === null ? routeOffline(question) : fromLlm(question, signals, route);
    },
  };
}
