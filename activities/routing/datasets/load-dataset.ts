/**
 * Loads the public intent datasets (CLINC150, BANKING77, NLU++) and the catalog's own examples as routing
 * datasets: every utterance relabelled with the agent its dataset intent maps to (or `null` when out of
 * scope), using the committed `<name>-mapping.json` files beside this module. Mapping files are checked
 * against the data: an intent the mapping forgot is an error, not a silent drop.
 */
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { AgentCatalogFile } from '../../agents/agent-definition.js';

/** The datasets `eval:routing` knows. */
export const DATASET_NAMES = ['clinc150', 'banking77', 'nlupp', 'catalog'] as const;
export type DatasetName = (typeof DATASET_NAMES)[number];

/** One labelled utterance. `agentId: null` = out of scope. */
export interface DatasetExample {
  text: string;
  agentId: string | null;
  /** The dataset's own label (intent, or intents joined with `+`). */
  sourceIntent: string;
  /** The dataset itself marks it out of scope (CLINC150 `oos`), as opposed to our mapping doing so. */
  originalOutOfScope: boolean;
  humanRequired: boolean;
}

/** Train, optional validation, and test splits of one dataset. */
export interface RoutingDataset {
  name: DatasetName;
  train: DatasetExample[];
  validation: DatasetExample[];
  test: DatasetExample[];
}

const IntentMappingSchema = z.object({
  dataset: z.string(),
  agents: z.record(z.string(), z.array(z.string())),
  outOfScope: z.array(z.string()),
  humanRequired: z.array(z.string()),
});
type IntentMapping = z.infer<typeof IntentMappingSchema>;

const NluppMappingSchema = z.object({
  outOfScopeDomains: z.array(z.string()),
  rules: z.array(z.object({ anyOf: z.array(z.string()), agent: z.string() })),
  humanRequired: z.array(z.string()),
});

const MAPPING_DIRECTORY = fileURLToPath(new URL('.', import.meta.url));

async function readJson(file: string): Promise<unknown> {
  return JSON.parse(await readFile(file, 'utf8')) as unknown;
}

/** Reads and checks the committed mapping of a dataset. */
export async function loadMapping(name: 'clinc150' | 'banking77'): Promise<IntentMapping> {
  return IntentMappingSchema.parse(await readJson(path.join(MAPPING_DIRECTORY, `${name}-mapping.json`)));
}

/** Relabels `[text, intent]` pairs with a mapping; throws on an unmapped intent. */
export function applyMapping(mapping: IntentMapping, pairs: readonly (readonly [string, string])[], originalOutOfScope = 'oos'): DatasetExample[] {
  const agentOf = new Map<string, string | null>();
  for (const [agentId, intents] of Object.entries(mapping.agents)) for (const intent of intents) agentOf.set(intent, agentId);
  for (const intent of mapping.outOfScope) agentOf.set(intent, null);
  const human = new Set(mapping.humanRequired);
  return pairs.map(([text, intent]) => {
    const agentId = agentOf.get(intent);
    if (agentId === undefined) throw new Error(`${mapping.dataset}: intent "${intent}" is not in the mapping`);
    return { text, agentId, sourceIntent: intent, originalOutOfScope: intent === originalOutOfScope, humanRequired: human.has(intent) };
  });
}

const ClincSchema = z.record(z.string(), z.array(z.tuple([z.string(), z.string()])));

async function loadClinc(directory: string): Promise<RoutingDataset> {
  const data = ClincSchema.parse(await readJson(path.join(directory, 'clinc150', 'data_full.json')));
  const mapping = await loadMapping('clinc150');
  const split = (...keys: string[]): DatasetExample[] => applyMapping(mapping, keys.flatMap((key) => data[key] ?? []));
  return { name: 'clinc150', train: split('train', 'oos_train'), validation: split('val', 'oos_val'), test: split('test', 'oos_test') };
}

/** Parses a two-column CSV with a header (`text,category`): quoted fields may hold commas, quotes and newlines. */
export function parseTwoColumnCsv(content: string): [string, string][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let index = 0; index < content.length; index += 1) {
    const character = content[index];
    if (quoted) {
      if (character === '"' && content[index + 1] === '"') {
        field += '"';
        index += 1;
      } else if (character === '"') quoted = false;
      else field += character;
    } else if (character === '"') quoted = true;
    else if (character === ',') {
      record.push(field);
      field = '';
    } else if (character === '\n' || character === '\r') {
      if (character === '\r' && content[index + 1] === '\n') index += 1;
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else field += character;
  }
  if (field !== '' || record.length > 0) records.push([...record, field]);
  return records.slice(1).filter((row) => !(row.length === 1 && row[0] === '')).map((row) => {
    if (row.length !== 2) throw new Error(`expected 2 CSV columns, got ${row.length}: ${row.join(',').slice(0, 80)}`);
    return [row[0] ?? '', row[1] ?? ''];
  });
}

async function loadBanking(directory: string): Promise<RoutingDataset> {
  const mapping = await loadMapping('banking77');
  const read = async (file: string) => applyMapping(mapping, parseTwoColumnCsv(await readFile(path.join(directory, 'banking77', file), 'utf8')));
  return { name: 'banking77', train: await read('train.csv'), validation: [], test: await read('test.csv') };
}

const NluppFoldSchema = z.array(z.object({ text: z.string(), intents: z.array(z.string()).optional() }));

async function loadNlupp(directory: string): Promise<RoutingDataset> {
  const mapping = NluppMappingSchema.parse(await readJson(path.join(MAPPING_DIRECTORY, 'nlupp-mapping.json')));
  const ontology = z.object({ intents: z.record(z.string(), z.object({ domain: z.array(z.string()) })) }).parse(await readJson(path.join(directory, 'nlupp', 'ontology.json')));
  const general = new Set(Object.entries(ontology.intents).filter(([, value]) => value.domain.every((domain) => domain === 'general')).map(([intent]) => intent));
  const dataset: RoutingDataset = { name: 'nlupp', train: [], validation: [], test: [] };
  for (const domain of ['banking', 'hotels']) {
    const folds = (await readdir(path.join(directory, 'nlupp', domain))).filter((file) => /^fold\d+\.json$/.test(file));
    for (const fold of folds) {
      const examples = NluppFoldSchema.parse(await readJson(path.join(directory, 'nlupp', domain, fold)));
      const target = Number(/\d+/.exec(fold)?.[0]) >= 18 ? dataset.test : dataset.train;
      for (const example of examples) {
        const intents = example.intents ?? [];
        if (intents.every((intent) => general.has(intent) && intent !== 'handoff')) continue; // dialogue fragments
        const outOfScope = mapping.outOfScopeDomains.includes(domain);
        const rule = mapping.rules.find((candidate) => candidate.anyOf.some((intent) => intents.includes(intent)));
        if (!outOfScope && rule === undefined) continue;
        target.push({
          text: example.text,
          agentId: outOfScope ? null : (rule?.agent ?? null),
          sourceIntent: `${domain}:${[...intents].sort().join('+')}`,
          originalOutOfScope: false,
          humanRequired: intents.some((intent) => mapping.humanRequired.includes(intent)),
        });
      }
    }
  }
  return dataset;
}

/** The catalog's example questions (train) and held-out questions (test), with its out-of-scope examples. */
export function catalogDataset(catalog: AgentCatalogFile): RoutingDataset {
  const example = (text: string, agentId: string | null): DatasetExample => ({ text, agentId, sourceIntent: agentId ?? 'out-of-scope', originalOutOfScope: agentId === null, humanRequired: false });
  return {
    name: 'catalog',
    train: [...catalog.agents.flatMap((agent) => agent.exampleQuestions.map((text) => example(text, agent.id))), ...catalog.outOfScope.exampleQuestions.map((text) => example(text, null))],
    validation: [],
    test: [...catalog.agents.flatMap((agent) => agent.heldOutQuestions.map((text) => example(text, agent.id))), ...catalog.outOfScope.heldOutQuestions.map((text) => example(text, null))],
  };
}

/** Loads a dataset from `datasetsDirectory` (the folder holding `clinc150/`, `banking77/`, `nlupp/`). */
export async function loadDataset(name: DatasetName, datasetsDirectory: string, catalog: AgentCatalogFile): Promise<RoutingDataset> {
  switch (name) {
    case 'clinc150':
      return loadClinc(datasetsDirectory);
    case 'banking77':
      return loadBanking(datasetsDirectory);
    case 'nlupp':
      return loadNlupp(datasetsDirectory);
    case 'catalog':
      return catalogDataset(catalog);
  }
}
