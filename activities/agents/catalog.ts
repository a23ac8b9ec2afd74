/**
 * The agent catalog seeded from `catalog/agents.json`: eighteen specialists in six teams, validated with
 * {@link AgentCatalogFileSchema} when this module loads (a bad edit to the file fails at startup, not mid-turn).
 * Postgres storage and versioning of edits build on {@link parseAgentCatalog}; this module is the seed and the
 * default the pipeline uses until then.
 */
import { z } from 'zod';
import catalogJson from './catalog/agents.json' with { type: 'json' };
import { AgentCatalogFileSchema, type AgentCatalogFile, type AgentDefinition, type TeamId } from './agent-definition.js';

export type { AgentCatalogFile, AgentDefinition, TeamId } from './agent-definition.js';

/** Validates a catalog (the seed file, an admin edit, a stored version); throws a readable error when invalid. */
export function parseAgentCatalog(input: unknown): AgentCatalogFile {
  const parsed = AgentCatalogFileSchema.safeParse(input);
  if (!parsed.success) throw new Error(`Invalid agent catalog:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** The seed catalog from the repository, validated. */
export const SEED_CATALOG: AgentCatalogFile = parseAgentCatalog(catalogJson);

/** Every agent of the seed catalog, in file order. */
export const AGENT_CATALOG: readonly AgentDefinition[] = SEED_CATALOG.agents;

/** Version of the seed catalog (a turn records the catalog version it was routed with). */
export const CATALOG_VERSION: string = SEED_CATALOG.version;

/** The agent that takes questions no specialist matches. */
export const FALLBACK_AGENT_ID: string = SEED_CATALOG.fallbackAgentId;

/** The agent with this id in the seed catalog, if any. */
export function findAgent(agentId: string): AgentDefinition | undefined {
  return AGENT_CATALOG.find((agent) => agent.id === agentId);
}

/** The team of an agent id in the seed catalog, if the agent exists. */
export function teamOf(agentId: string): TeamId | undefined {
  return findAgent(agentId)?.team;
}
