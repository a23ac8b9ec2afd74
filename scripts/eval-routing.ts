/* eslint-disable no-console -- a command-line script: printing its results is its job */
/**
 * `npm run eval:routing -- --dataset <clinc150|banking77|nlupp|catalog> [--datasets-dir <dir>] [--no-catalog-examples]`
 *
 * Trains the routing classifier on the dataset's training split (mapped to our agents by the committed
 * mapping in activities/routing/datasets/), evaluates the offline route decision on its test split, prints
 * the metrics and writes bench/results/routing-<dataset>.json. Datasets default to ../shared/datasets
 * relative to the repository (or AGENTCRAFT_DATASETS_DIR).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DATASET_NAMES, type DatasetName } from '../activities/routing/datasets/load-dataset.js';
import { runRoutingEvaluation, type EvaluationRun } from '../activities/routing/datasets/run-evaluation.js';

const repository = path.resolve(fileURLToPath(new URL('..', import.meta.url)));

function parseOptions(): { dataset: DatasetName; datasetsDirectory: string; withCatalogExamples: boolean } {
  const { values } = parseArgs({
    options: { dataset: { type: 'string' }, 'datasets-dir': { type: 'string' }, 'no-catalog-examples': { type: 'boolean', default: false } },
  });
  const dataset = values.dataset as DatasetName | undefined;
  if (dataset === undefined || !DATASET_NAMES.includes(dataset)) throw new Error(`--dataset must be one of ${DATASET_NAMES.join(', ')}`);
  const datasetsDirectory = values['datasets-dir'] ?? process.env.AGENTCRAFT_DATASETS_DIR ?? path.resolve(repository, '..', 'shared', 'datasets');
  return { dataset, datasetsDirectory, withCatalogExamples: !values['no-catalog-examples'] };
}

const percent = (value: number): string => `${(value * 100).toFixed(2)}%`;

function printRun(run: EvaluationRun): void {
  const { report, model } = run;
  console.log(`dataset ${run.dataset}: trained on ${model.trainExamples} examples in ${run.trainMilliseconds} ms (model ${model.version})`);
  console.log(`thresholds: out-of-scope ${model.thresholds.outOfScope} (${model.thresholdTunedOn ?? 'default'}), unsure ${model.thresholds.unsure}`);
  console.log(`test examples: ${report.examples} (${report.inScopeExamples} in scope)`);
  console.log(`in-scope team accuracy  ${percent(report.inScope.teamAccuracy)}   agent accuracy ${percent(report.inScope.agentAccuracy)}`);
  console.log(`overall  team accuracy  ${percent(report.overall.teamAccuracy)}   team macro-F1 ${percent(report.overall.teamMacroF1)}`);
  console.log(`overall agent accuracy  ${percent(report.overall.agentAccuracy)}   agent macro-F1 ${percent(report.overall.agentMacroF1)}`);
  const { all, originalLabelOnly } = report.outOfScope;
  console.log(`out of scope (all mapped): precision ${percent(all.precision)} recall ${percent(all.recall)} (${all.positives} positives)`);
  if (originalLabelOnly !== null) {
    console.log(`out of scope (dataset label only): precision ${percent(originalLabelOnly.precision)} recall ${percent(originalLabelOnly.recall)} (${originalLabelOnly.positives} positives)`);
  }
  console.log(`decision latency (wall): p50 ${report.latencyMs.p50} ms, p95 ${report.latencyMs.p95} ms, p99 ${report.latencyMs.p99} ms`);
  console.log(`decision CPU time:       p50 ${report.cpuMs.p50} ms, p95 ${report.cpuMs.p95} ms, p99 ${report.cpuMs.p99} ms`);
  console.log(`strategies: ${JSON.stringify(report.strategies)}`);
  console.log('team confusion (rows: expected, columns: predicted):');
  const width = Math.max(...report.confusion.labels.map((label) => label.length)) + 1;
  console.log(' '.repeat(width) + report.confusion.labels.map((label) => label.slice(0, 9).padStart(10)).join(''));
  report.confusion.matrix.forEach((row, index) => {
    console.log((report.confusion.labels[index] ?? '').padEnd(width) + row.map((count) => String(count).padStart(10)).join(''));
  });
}

async function main(): Promise<void> {
  const options = parseOptions();
  const run = await runRoutingEvaluation(options);
  printRun(run);
  const command = `npm run eval:routing -- --dataset ${options.dataset}${options.withCatalogExamples ? '' : ' --no-catalog-examples'}`;
  const output = path.join(repository, 'bench', 'results', `routing-${options.dataset}.json`);
  await mkdir(path.dirname(output), { recursive: true });
  const machine = { node: process.version, platform: `${process.platform}-${process.arch}` };
  await writeFile(output, `${JSON.stringify({ command, measuredAt: new Date().toISOString(), machine, ...run }, null, 2)}\n`);
  console.log(`wrote ${path.relative(repository, output)}`);
}

await main();
