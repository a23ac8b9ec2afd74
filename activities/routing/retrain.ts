/**
 * Retraining the routing classifier of one tenant: the catalog's examples plus the tenant's reviewer-confirmed
 * turns, stored in `routing_models` and made current. Training is skipped when the content hash of the training
 * data equals the current model's version (nothing new was confirmed), so a frequent schedule is cheap.
 */
import type { AgentCatalogFile } from '../agents/agent-definition.js';
import { SEED_CATALOG } from '../agents/catalog.js';
import type { ActivityDependencies } from '../dependencies.js';
import { trainingVersion, trainRouter, type TrainRouterOptions } from './classifier.js';
import { catalogTrainingExamples } from './training-data.js';

export interface RetrainRouterInput {
  tenantId: string;
}

export interface RetrainRouterResult {
  /** The tenant's current model version after the run. */
  version: string;
  /** Labelled examples the model was trained on, of which `confirmed` are reviewer-confirmed turns. */
  examples: number;
  confirmed: number;
  /** Whether the current model changed (a new version was trained, or a stored one became current). */
  changed: boolean;
}

/** Options of {@link createRetrainActivities}: the catalog and training options (tests pin them). */
export interface RetrainOptions {
  catalog?: AgentCatalogFile;
  training?: TrainRouterOptions;
}

/**
 * The catalog to train from: the agents as edited through `/api/agents` (current versions, enabled only), with
 * the repository file's out-of-scope examples; the repository file itself before the store has a catalog.
 */
async function currentCatalog(dependencies: ActivityDependencies): Promise<AgentCatalogFile> {
  const stored = await dependencies.store.listAgents();
  if (stored.length === 0) return SEED_CATALOG;
  // The file's order (training is order-sensitive): an unedited catalog trains exactly the file's model.
  const position = new Map(SEED_CATALOG.agents.map((agent, index) => [agent.id, index]));
  const order = (id: string) => position.get(id) ?? Number.MAX_SAFE_INTEGER;
  const agents = stored
    .filter((agent) => agent.enabled)
    .sort((left, right) => order(left.id) - order(right.id) || left.id.localeCompare(right.id))
    .map((agent) => agent.definition);
  return { ...SEED_CATALOG, agents };
}

export function createRetrainActivities(dependencies: ActivityDependencies, options: RetrainOptions = {}) {
  return {
    /**
     * Trains the tenant's routing model from the catalog and its approved or edited escalations, stores the
     * version (idempotent by tenant and version) and marks it current. Retry-safe: a repeated run finds the
     * version already current and returns `changed: false`.
     */
    async retrainRouter(input: RetrainRouterInput): Promise<RetrainRouterResult> {
      const { store, logger } = dependencies;
      const catalog = options.catalog ?? (await currentCatalog(dependencies));
      const confirmedTurns = await store.listConfirmedTurns({ tenantId: input.tenantId });
      const examples = catalogTrainingExamples(catalog, confirmedTurns);
      // Confirmed turns whose agent is no longer in the catalog are dropped by catalogTrainingExamples.
      const confirmed = examples.length - catalogTrainingExamples(catalog).length;
      const expected = trainingVersion(examples, options.training);
      const current = await store.loadCurrentRoutingModel(input.tenantId);
      if (current?.version === expected) return { version: expected, examples: examples.length, confirmed, changed: false };

      const classifier = trainRouter(examples, options.training);
      const inserted = await store.saveRoutingModel({ tenantId: input.tenantId, model: classifier.toJSON(), exampleCount: examples.length, confirmedCount: confirmed });
      await store.markRoutingModelCurrent({ tenantId: input.tenantId, version: classifier.version });
      logger.info({ tenantId: input.tenantId, version: classifier.version, previous: current?.version ?? null, examples: examples.length, confirmed, inserted }, 'routing model retrained');
      return { version: classifier.version, examples: examples.length, confirmed, changed: true };
    },
  };
}
