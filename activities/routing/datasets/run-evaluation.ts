/**
 * One evaluation run: load a dataset, train the classifier on its training split (plus, optionally, the
 * catalog's example questions), tune the out-of-scope threshold on the validation split when there is one,
 * and evaluate the full offline route decision on the test split.
 */
import { SEED_CATALOG } from '../../agents/catalog.js';
import type { AgentCatalogFile } from '../../agents/agent-definition.js';
import { DEFAULT_THRESHOLDS, trainRouter, type RouterClassification, type RoutingClassifier, type TrainRouterOptions } from '../classifier.js';
import { createOfflineRouter } from '../offline-router.js';
import { evaluateRouting, type EvaluationReport } from './evaluate.js';
import { catalogTrainingExamples } from '../training-data.js';
import { catalogDataset, loadDataset, type DatasetExample, type DatasetName } from './load-dataset.js';

/** Options of {@link runRoutingEvaluation}. */
export interface RunEvaluationOptions {
  dataset: DatasetName;
  datasetsDirectory: string;
  /** Add the catalog's example questions to the training data (default: true). */
  withCatalogExamples?: boolean;
  catalog?: AgentCatalogFile;
  training?: TrainRouterOptions;
}

/** The report plus what was trained. */
export interface EvaluationRun {
  dataset: DatasetName;
  report: EvaluationReport;
  model: { version: string; trainedAt: string; trainExamples: number; thresholds: { outOfScope: number; unsure: number }; thresholdTunedOn: string | null };
  trainMilliseconds: number;
}

/** Trains on the training split and evaluates on the test split of one dataset. */
export async function runRoutingEvaluation(options: RunEvaluationOptions): Promise<EvaluationRun> {
  const catalog = options.catalog ?? SEED_CATALOG;
  const dataset = await loadDataset(options.dataset, options.datasetsDirectory, catalog);
  // The catalog's own evaluation trains exactly like the default router. Other datasets may add the catalog's
  // example questions, but not its bare expertise terms ("card", "transfer"), which blur their intents.
  const catalogExamples =
    options.dataset === 'catalog'
      ? catalogTrainingExamples(catalog)
      : options.withCatalogExamples === false
        ? []
        : catalogDataset(catalog).train.map((example) => ({ text: example.text, agentId: example.agentId }));
  const datasetExamples = options.dataset === 'catalog' ? [] : dataset.train.map((example) => ({ text: example.text, agentId: example.agentId }));
  const training = [...datasetExamples, ...catalogExamples];
  const started = performance.now();
  let classifier = trainRouter(training, options.training);
  const trainMilliseconds = Math.round(performance.now() - started);
  const teamOf = (agentId: string): string => catalog.agents.find((agent) => agent.id === agentId)?.team ?? 'unknown';
  let thresholdTunedOn: string | null = null;
  if (dataset.validation.length > 0) {
    classifier = classifier.withThresholds({ outOfScope: tuneOutOfScopeThreshold(classifier, dataset.validation, teamOf) });
    thresholdTunedOn = 'validation';
  }
  const route = createOfflineRouter({ agents: catalog.agents, fallbackAgentId: catalog.fallbackAgentId, classifier });
  const report = evaluateRouting(route, dataset.test, teamOf);
  return {
    dataset: options.dataset,
    report,
    model: { version: classifier.version, trainedAt: classifier.trainedAt, trainExamples: training.length, thresholds: classifier.thresholds, thresholdTunedOn },
    trainMilliseconds,
  };
}

/**
 * The out-of-scope threshold tuned on a validation split: the best mean of in-scope team accuracy and
 * out-of-scope recall with out-of-scope precision at 0.9 or more, over every validation example (dataset
 * out-of-scope and mapped out-of-scope intents alike, so the class balance resembles the test split's).
 */
export function tuneOutOfScopeThreshold(classifier: RoutingClassifier, validation: readonly DatasetExample[], teamOf: (agentId: string) => string): number {
  const scored = validation.map((example) => ({ example, classification: classifier.classify(example.text) }));
  const candidates = Array.from({ length: 91 }, (_, index) => (index + 5) / 100).map((threshold) => ({ threshold, ...scoreThreshold(scored, threshold, teamOf) }));
  let best: (typeof candidates)[number] | undefined;
  for (const candidate of candidates) {
    const objective = (candidate.accuracy + candidate.recall) / 2;
    if (candidate.precision >= 0.9 && (best === undefined || objective > (best.accuracy + best.recall) / 2)) best = candidate;
  }
  return best?.threshold ?? DEFAULT_THRESHOLDS.outOfScope;
}

function scoreThreshold(scored: readonly { example: DatasetExample; classification: RouterClassification }[], threshold: number, teamOf: (agentId: string) => string) {
  let truePositives = 0;
  let predicted = 0;
  let positives = 0;
  let inScopeRight = 0;
  let inScope = 0;
  for (const { example, classification } of scored) {
    const outOfScope = classification.outOfScopeProbability >= threshold;
    if (outOfScope) predicted += 1;
    if (example.agentId === null) {
      positives += 1;
      if (outOfScope) truePositives += 1;
    } else {
      inScope += 1;
      const top = classification.agents[0]?.agentId;
      if (!outOfScope && top !== undefined && teamOf(top) === teamOf(example.agentId)) inScopeRight += 1;
    }
  }
  return { precision: predicted === 0 ? 1 : truePositives / predicted, recall: truePositives / Math.max(1, positives), accuracy: inScopeRight / Math.max(1, inScope) };
}
