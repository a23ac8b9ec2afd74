/**
 * A small catalog and a router wired to scripted models, a fake clock and in-process breaker and ledger.
 *
 * | id              | provider | tier     | $/M in | $/M out | window  | local |
 * |-----------------|----------|----------|--------|---------|---------|-------|
 * | alpha/small     | alpha    | fast     | 1      | 5       | 8 000   | no    |
 * | beta/small      | beta     | fast     | 1.1    | 5.5     | 16 000  | no    |
 * | alpha/medium    | alpha    | balanced | 3      | 15      | 200 000 | no    |
 * | beta/medium     | beta     | balanced | 2      | 8       | 32 000  | no    |
 * | beta/large      | beta     | premium  | 15     | 75      | 200 000 | no    |
 * | local/llama     | local    | fast     | 0      | 0       | 4 096   | yes   |
 * | offline/offline | offline  | fast     | 0      | 0       | 100 000 | yes, last resort |
 */
import type { ModelCallContext } from '../../chat-model.js';
import { InMemoryCircuitBreaker } from '../circuit-breaker.js';
import type { BreakerSettings } from '../circuit-breaker.js';
import { InMemorySpendLedger } from '../memory-spend-ledger.js';
import { parseModelCatalog } from '../model-catalog.js';
import { RoutedChatModel } from '../routed-chat-model.js';
import type { RoutedChatModelOptions } from '../routed-chat-model.js';
import { FakeClock, ScriptedChatModel, assertNoOverrun } from './scripted-chat-model.js';
import type { ScriptStep } from './scripted-chat-model.js';

const entry = (id: string, tier: string, input: number, output: number, contextWindow: number, extra: Record<string, unknown> = {}) => {
  const [provider, modelId] = id.split('/');
  const maxOutputTokens = Math.min(4096, contextWindow);
  return { id, provider, modelId, tier, inputUsdPerMillionTokens: input, outputUsdPerMillionTokens: output, contextWindow, maxOutputTokens, capabilities: ['json', 'streaming'], local: false, ...extra };
};

/** The catalog of the table above, as JSON (it goes through the real schema). */
export const TEST_CATALOG_JSON = JSON.stringify({
  version: 1,
  models: [
    entry('alpha/small', 'fast', 1, 5, 8_000),
    entry('beta/small', 'fast', 1.1, 5.5, 16_000),
    entry('alpha/medium', 'balanced', 3, 15, 200_000),
    entry('beta/medium', 'balanced', 2, 8, 32_000),
    entry('beta/large', 'premium', 15, 75, 200_000),
    entry('local/llama', 'fast', 0, 0, 4_096, { local: true }),
    entry('offline/offline', 'fast', 0, 0, 100_000, { local: true, lastResort: true, capabilities: ['streaming'] }),
  ],
});

export interface HarnessOptions extends Partial<Omit<RoutedChatModelOptions, 'catalog' | 'createChatModel'>> {
  /** Script per catalog id; ids without a script are not configured (never candidates). */
  scripts: Record<string, ScriptStep[]>;
  breakerSettings?: Partial<BreakerSettings>;
}

export interface Harness {
  router: RoutedChatModel;
  clock: FakeClock;
  ledger: InMemorySpendLedger;
  models: Record<string, ScriptedChatModel>;
  /** Throws if any model was called beyond its script. */
  assertNoOverrun(): void;
}

export function createHarness(options: HarnessOptions): Harness {
  const clock = new FakeClock();
  const catalog = parseModelCatalog(TEST_CATALOG_JSON, 'test catalog');
  const models: Record<string, ScriptedChatModel> = {};
  for (const [id, script] of Object.entries(options.scripts)) {
    const catalogEntry = catalog.models.find((candidate) => candidate.id === id);
    if (catalogEntry === undefined) throw new Error(`no catalog entry ${id}`);
    models[id] = new ScriptedChatModel(catalogEntry.provider, catalogEntry.modelId, script, clock);
  }
  const ledger = new InMemorySpendLedger({ clock: clock.now });
  const router = new RoutedChatModel({
    breaker: new InMemoryCircuitBreaker({ clock: clock.now, settings: options.breakerSettings }),
    ledger,
    clock: clock.now,
    sleep: clock.sleep,
    ...options,
    catalog,
    createChatModel: (catalogEntry) => models[catalogEntry.id],
  });
  return { router, clock, ledger, models, assertNoOverrun: () => assertNoOverrun(Object.values(models)) };
}

let callCounter = 0;

/** A call context for turn `turn-1` of conversation `conversation-1` of tenant `tenant-1`, with a fresh callId. */
export function callContext(overrides: Partial<ModelCallContext> = {}): ModelCallContext {
  callCounter += 1;
  return { tenantId: 'tenant-1', conversationId: 'conversation-1', turnId: 'turn-1', callId: `call-${callCounter}:1`, ...overrides };
}

/** A short question with the given purpose. */
export function question(purpose: string, text = 'How do I change my plan?') {
  return { purpose, messages: [{ role: 'user' as const, content: text }] };
}
