import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../domain/logger.js';
import { createStore, type KyselyStore } from '../persistence/kysely-store.js';
import { trainRouter, type LabelledExample, type RoutingClassifier } from './classifier.js';
import type { Router } from './router.js';
import { createTenantRouters } from './tenant-routers.js';

const EXAMPLES: LabelledExample[] = [
  ...['refund my invoice', 'card charged twice'].map((text) => ({ text, agentId: 'billing-expert' })),
  ...['rotate the api key', 'webhook signature invalid'].map((text) => ({ text, agentId: 'integration-specialist' })),
  { text: 'weather tomorrow', agentId: null },
];
const first = trainRouter(EXAMPLES).toJSON();
const second = trainRouter([...EXAMPLES, { text: 'invoice has the wrong VAT', agentId: 'billing-expert' }]).toJSON();

let store: KyselyStore;
beforeAll(async () => {
  store = createStore({ logger: createLogger({ level: 'silent' }) });
  await store.migrate();
});
afterAll(async () => {
  await store.close();
});

/** A router that only says which model it was built from. */
function setup() {
  let clock = 0;
  const built: string[] = [];
  const build = (classifier: RoutingClassifier): Router => {
    built.push(classifier.version);
    return { route: () => Promise.reject(new Error('not used')), routeOffline: () => ({ routerVersion: classifier.version }) as ReturnType<Router['routeOffline']> };
  };
  const routerFor = createTenantRouters({ store, logger: createLogger({ level: 'silent' }), build, refreshAfterMs: 60_000, now: () => clock });
  return { routerFor, built, advance: (ms: number) => (clock += ms) };
}
const versionOf = (router: Router | null): string | undefined => router?.routeOffline('question').routerVersion;

describe('createTenantRouters', () => {
  it('routes a tenant with its current stored model, rechecking the version once per refresh interval', async () => {
    const tenantId = randomUUID();
    const { routerFor, built, advance } = setup();
    expect(await routerFor(tenantId)).toBeNull(); // nothing stored: the caller falls back

    await store.saveRoutingModel({ tenantId, model: first, exampleCount: 5, confirmedCount: 0 });
    await store.markRoutingModelCurrent({ tenantId, version: first.version });
    expect(await routerFor(tenantId)).toBeNull(); // still within the interval
    advance(60_000);
    expect(versionOf(await routerFor(tenantId))).toBe(first.version);

    advance(60_000);
    expect(versionOf(await routerFor(tenantId))).toBe(first.version);
    expect(built).toEqual([first.version]); // same version: the model is not loaded again

    await store.saveRoutingModel({ tenantId, model: second, exampleCount: 6, confirmedCount: 1 });
    await store.markRoutingModelCurrent({ tenantId, version: second.version });
    advance(60_000);
    const [one, two] = await Promise.all([routerFor(tenantId), routerFor(tenantId)]);
    expect([versionOf(one), versionOf(two)]).toEqual([second.version, second.version]);
    expect(built).toEqual([first.version, second.version]); // concurrent callers share one load
  });
});
