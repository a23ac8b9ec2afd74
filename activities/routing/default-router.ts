/**
 * The default routing model: trained from the agent catalog (plus reviewer-confirmed turns) and cached as
 * JSON on disk. A cached model is used only when its content-hash version matches what the current catalog
 * would train, so a catalog edit retrains on the next start (about two seconds) instead of routing with a
 * stale model. `npm run train:routing` writes the same file ahead of time.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { AgentCatalogFile } from '../agents/agent-definition.js';
import { SEED_CATALOG } from '../agents/catalog.js';
import { loadRouter, trainingVersion, trainRouter, type RoutingClassifier, type TrainRouterOptions } from './classifier.js';
import { catalogTrainingExamples, type ConfirmedTurn } from './training-data.js';

/** Where the default model is cached, relative to the working directory (`data/` is git-ignored). */
export const DEFAULT_ROUTER_MODEL_PATH = path.join('data', 'routing', 'router-model.json');

/** Options of {@link loadOrTrainRouter}. */
export interface LoadOrTrainOptions {
  catalog?: AgentCatalogFile;
  confirmedTurns?: readonly ConfirmedTurn[];
  /** Cache file; `null` disables the cache (tests). */
  modelPath?: string | null;
  training?: TrainRouterOptions;
}

/** What {@link loadOrTrainRouter} did: loaded the cached model or trained (and cached) a new one. */
export interface LoadedRouter {
  classifier: RoutingClassifier;
  source: 'cache' | 'trained';
  modelPath: string | null;
}

/** Loads the cached model when it matches the catalog, else trains one and writes the cache. */
export async function loadOrTrainRouter(options: LoadOrTrainOptions = {}): Promise<LoadedRouter> {
  const catalog = options.catalog ?? SEED_CATALOG;
  const examples = catalogTrainingExamples(catalog, options.confirmedTurns);
  const modelPath = options.modelPath === undefined ? DEFAULT_ROUTER_MODEL_PATH : options.modelPath;
  const expected = trainingVersion(examples, options.training);
  if (modelPath !== null) {
    const cached = await readCached(modelPath);
    if (cached?.version === expected) return { classifier: cached, source: 'cache', modelPath };
  }
  const classifier = trainRouter(examples, options.training);
  if (modelPath !== null) await writeModel(modelPath, classifier);
  return { classifier, source: 'trained', modelPath };
}

/** Writes a model as JSON atomically (temporary file, then rename). */
export async function writeModel(modelPath: string, classifier: RoutingClassifier): Promise<void> {
  await mkdir(path.dirname(modelPath), { recursive: true });
  const temporary = `${modelPath}.${process.pid}.tmp`;
  await writeFile(temporary, JSON.stringify(classifier.toJSON()));
  await rename(temporary, modelPath);
}

async function readCached(modelPath: string): Promise<RoutingClassifier | null> {
  try {
    return loadRouter(JSON.parse(await readFile(modelPath, 'utf8')));
  } catch {
    return null; // missing or unreadable: retrain
  }
}
