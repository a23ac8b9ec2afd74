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

export function createRetrainActivities(dependencies: ActivityDependencies, options: RetrainOptions = {}) {
  const catalog = options.catalog ?? SEED_CATALOG;
  return {
    /**
     * Trains the tenant's routing model from the catalog and its approved or edited escalations, stores the
     * version (idempotent by tenant and version) and marks it current. Retry-safe: a repeated run finds the
     * version already current and returns `changed: false`.
     */
    async retrainRouter(input: RetrainRouterInput): Promise<RetrainRouterResult> {
      const { store, logger } = dependencies;
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
