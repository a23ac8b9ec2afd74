import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SEED_CATALOG } from '../../agents/catalog.js';
import { applyMapping, loadDataset, loadMapping, parseTwoColumnCsv } from './load-dataset.js';
import { percentiles } from './evaluate.js';
import { runRoutingEvaluation } from './run-evaluation.js';

/** A 330-utterance slice of CLINC150 (CC BY 3.0, attribution beside it) in the upstream layout. */
const FIXTURES = fileURLToPath(new URL('./__fixtures__', import.meta.url));

describe('routing evaluation on a committed CLINC150 slice', () => {
  it('maps the slice through the committed mapping, keeping the dataset out-of-scope label apart', async () => {
    const dataset = await loadDataset('clinc150', FIXTURES, SEED_CATALOG);
    expect([dataset.train.length, dataset.validation.length, dataset.test.length]).toEqual([230, 60, 100]);
    const fraud = dataset.test.find((example) => example.sourceIntent === 'report_fraud');
    expect(fraud).toMatchObject({ agentId: 'security-expert', humanRequired: true, originalOutOfScope: false });
    expect(dataset.test.find((example) => example.sourceIntent === 'weather')).toMatchObject({ agentId: null, originalOutOfScope: false });
    expect(dataset.test.filter((example) => example.originalOutOfScope)).toHaveLength(20);
  });

  it('trains on the training split only and reports every metric', async () => {
    const run = await runRoutingEvaluation({ dataset: 'clinc150', datasetsDirectory: FIXTURES });
    const { report } = run;
    expect(run.model.trainExamples).toBeGreaterThan(230);
    expect(run.model.thresholdTunedOn).toBe('validation');
    expect(report.examples).toBe(100);
    expect(report.inScopeExamples).toBe(56);
    expect(report.inScope.teamAccuracy).toBeGreaterThan(0.8);
    expect(report.outOfScope.all.recall).toBeGreaterThan(0.6);
    expect(report.outOfScope.originalLabelOnly?.positives).toBe(20);
    expect(report.confusion.labels).toEqual(expect.arrayContaining(['business', 'technical', 'customer', 'industry', 'out-of-scope']));
    expect(report.confusion.matrix.flat().reduce((sum, count) => sum + count, 0)).toBe(100);
    expect(report.latencyMs.p95).toBeGreaterThan(0);
    expect(report.overall.teamMacroF1).toBeGreaterThan(0);
  });

  it('refuses a dataset intent that the mapping forgot', async () => {
    const mapping = await loadMapping('clinc150');
    expect(() => applyMapping(mapping, [['what is a zebra', 'zebra_facts']])).toThrow(/intent "zebra_facts" is not in the mapping/);
  });

  it('maps every one of the 150 CLINC intents and 77 BANKING77 intents exactly once', async () => {
    for (const [name, count] of [['clinc150', 151], ['banking77', 77]] as const) {
      const mapping = await loadMapping(name);
      const intents = [...Object.values(mapping.agents).flat(), ...mapping.outOfScope];
      expect(new Set(intents).size, name).toBe(intents.length);
      expect(intents.length, name).toBe(count);
      for (const agentId of Object.keys(mapping.agents)) expect(SEED_CATALOG.agents.map((agent) => agent.id)).toContain(agentId);
    }
  });
});

describe('evaluation helpers', () => {
  it('parses CSV with quoted commas, quotes and newlines', () => {
    expect(parseTwoColumnCsv('text,category\nplain,a\n"with, comma",b\n"said ""hi""\nthen left",c\n')).toEqual([
      ['plain', 'a'],
      ['with, comma', 'b'],
      ['said "hi"\nthen left', 'c'],
    ]);
  });

  it('computes nearest-rank percentiles', () => {
    expect(percentiles([5, 1, 4, 2, 3, 6, 7, 8, 9, 10])).toEqual({ p50: 5, p95: 10, p99: 10, max: 10 });
  });
});
