/* eslint-disable no-console -- a command-line script: printing its results is its job */
/**
 * `npm run train:routing -- [--catalog <agents.json>] [--confirmed <turns.json>] [--out <model.json>]`
 *
 * Trains the routing classifier from the agent catalog's examples (plus reviewer-confirmed turns: a JSON
 * array of `{ question, agentId }`, `agentId: null` for out of scope) and writes the model JSON that the
 * worker loads (default data/routing/router-model.json). Prints the model version and its accuracy on the
 * catalog's held-out questions. Run it on a schedule (or after a catalog edit) to retrain.
 *
 * With DATABASE_URL set it also adds the tenant's reviewer-confirmed turns from the database (`--tenant`,
 * default `default`) and stores the model there as the tenant's current model, which the workers pick up
 * within a minute (the same thing `retrainRouterWorkflow` does on its schedule).
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { parseAgentCatalog, SEED_CATALOG } from '../activities/agents/catalog.js';
import { catalogDataset } from '../activities/routing/datasets/load-dataset.js';
import { evaluateRouting } from '../activities/routing/datasets/evaluate.js';
import { DEFAULT_ROUTER_MODEL_PATH, loadOrTrainRouter } from '../activities/routing/default-router.js';
import { createOfflineRouter } from '../activities/routing/offline-router.js';
import { catalogTrainingExamples } from '../activities/routing/training-data.js';
import { createStore } from '../activities/persistence/kysely-store.js';
import { DEFAULT_TENANT_ID } from '../domain/constants.js';

const ConfirmedTurnsSchema = z.array(z.object({ question: z.string().min(1), agentId: z.string().nullable() }));

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { catalog: { type: 'string' }, confirmed: { type: 'string' }, out: { type: 'string' }, tenant: { type: 'string', default: DEFAULT_TENANT_ID } } });
  const databaseUrl = process.env.DATABASE_URL?.trim() || undefined;
  const store = databaseUrl === undefined ? undefined : createStore({ databaseUrl });
  await store?.migrate();
  const catalog = values.catalog === undefined ? SEED_CATALOG : parseAgentCatalog(JSON.parse(await readFile(values.catalog, 'utf8')));
  const fileTurns = values.confirmed === undefined ? [] : ConfirmedTurnsSchema.parse(JSON.parse(await readFile(values.confirmed, 'utf8')));
  const confirmedTurns = [...fileTurns, ...((await store?.listConfirmedTurns({ tenantId: values.tenant })) ?? [])];
  const modelPath = values.out ?? DEFAULT_ROUTER_MODEL_PATH;
  const started = performance.now();
  const { classifier, source } = await loadOrTrainRouter({ catalog, confirmedTurns, modelPath });
  console.log(`${source === 'cache' ? 'up to date' : 'trained'}: model ${classifier.version} (${classifier.trainedAt}) for catalog ${catalog.version} in ${Math.round(performance.now() - started)} ms`);
  console.log(`written to ${modelPath} (${confirmedTurns.length} confirmed turns included)`);
  if (store !== undefined) {
    const confirmedCount = catalogTrainingExamples(catalog, confirmedTurns).length - catalogTrainingExamples(catalog).length;
    const model = classifier.toJSON();
    const inserted = await store.saveRoutingModel({ tenantId: values.tenant, model, exampleCount: model.exampleCount, confirmedCount });
    await store.markRoutingModelCurrent({ tenantId: values.tenant, version: classifier.version });
    console.log(`${inserted ? 'stored' : 'already stored'} in the database as the current model of tenant ${values.tenant}`);
    await store.close();
  }
  const route = createOfflineRouter({ agents: catalog.agents, fallbackAgentId: catalog.fallbackAgentId, classifier });
  const report = evaluateRouting(route, catalogDataset(catalog).test, (agentId) => catalog.agents.find((agent) => agent.id === agentId)?.team ?? 'unknown');
  console.log(`held-out catalog questions: team accuracy ${report.inScope.teamAccuracy}, agent accuracy ${report.inScope.agentAccuracy}, out-of-scope recall ${report.outOfScope.all.recall}`);
}

await main();
