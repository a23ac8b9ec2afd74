/**
 * After the router decides: each chosen agent gets its current catalog version (the turn runs with it), and
 * disabled agents are dropped. When every choice was disabled the catalog's fallback generalist takes the
 * question. A store without catalog rows (not seeded) leaves the decision as the router made it.
 */
import type { AgentChoice, RouteDecision } from '../../domain/types.js';
import { FALLBACK_AGENT_ID, teamOf } from '../agents/catalog.js';
import type { AgentRecord } from '../persistence/store.js';

/** Attaches versions and drops disabled agents; pure, so the route stage stays easy to test. */
export function applyCatalogState(route: RouteDecision, agents: readonly AgentRecord[]): RouteDecision {
  if (agents.length === 0 || route.agents.length === 0) return route;
  const byId = new Map(agents.map((agent) => [agent.id, agent]));
  const versioned = (choice: AgentChoice): AgentChoice => {
    const record = byId.get(choice.agentId);
    return record === undefined ? choice : { ...choice, version: record.version };
  };
  const enabled = route.agents.filter((choice) => byId.get(choice.agentId)?.enabled !== false).map(versioned);
  if (enabled.length === route.agents.length) return { ...route, agents: enabled };
  const kept = new Set(enabled.map((choice) => choice.agentId));
  const topics = route.humanRequiredTopics?.filter((topic) => kept.has(topic.agentId));
  const chosen = enabled.length > 0 ? enabled : [fallbackChoice(route.agents)];
  return { ...route, agents: chosen.map(versioned), ...(topics === undefined ? {} : { humanRequiredTopics: topics }) };
}

function fallbackChoice(disabled: readonly AgentChoice[]): AgentChoice {
  const team = teamOf(FALLBACK_AGENT_ID);
  return {
    agentId: FALLBACK_AGENT_ID,
    score: 0,
    reason: `fallback: ${disabled.map((choice) => choice.agentId).join(', ')} disabled`,
    ...(team === undefined ? {} : { team }),
  };
}
