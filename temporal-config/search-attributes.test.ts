import { randomUUID } from 'node:crypto';
import { msToTs } from '@temporalio/common/lib/time.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEARCH_ATTRIBUTE_TYPES } from '../domain/constants.js';
import { createTestClient, type TestClient } from '../test-support/temporal.js';
import { listCustomSearchAttributes, registerSearchAttributes } from './search-attributes.js';

const names = Object.keys(SEARCH_ATTRIBUTE_TYPES).sort();
let temporal: TestClient;

beforeAll(async () => {
  temporal = await createTestClient();
});
afterAll(async () => {
  await temporal.close();
});

/** A namespace of our own: the dev server pre-registers AgentCraft's attributes on `default`. */
async function freshNamespace(): Promise<string> {
  const namespace = `search-attributes-test-${randomUUID()}`;
  await temporal.connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('1 day') });
  return namespace;
}

describe('registerSearchAttributes', () => {
  it('adds the missing attributes once, then reports them as existing', async () => {
    const namespace = await freshNamespace();
    expect([...(await listCustomSearchAttributes(temporal.connection, namespace)).keys()]).toEqual([]);

    const first = await registerSearchAttributes(temporal.connection, namespace);
    expect({ added: first.added.sort(), existing: first.existing }).toEqual({ added: names, existing: [] });
    const second = await registerSearchAttributes(temporal.connection, namespace);
    expect({ added: second.added, existing: second.existing.sort() }).toEqual({ added: [], existing: names });

    expect(Object.fromEntries(await listCustomSearchAttributes(temporal.connection, namespace))).toEqual(SEARCH_ATTRIBUTE_TYPES);
  });

  it('changes nothing on the dev server namespace, which already has them', async () => {
    const result = await registerSearchAttributes(temporal.connection, 'default');
    expect({ added: result.added, existing: result.existing.sort() }).toEqual({ added: [], existing: names });
  });

  it('refuses an attribute that exists with another type, adding nothing', async () => {
    const namespace = await freshNamespace();
    await registerSearchAttributes(temporal.connection, namespace, { CustomerId: 'Keyword' });

    await expect(registerSearchAttributes(temporal.connection, namespace, { TenantId: 'Keyword', CustomerId: 'Bool' })).rejects.toThrow(
      `Search attributes of namespace "${namespace}" conflict with AgentCraft's: CustomerId is Keyword, expected Bool.`,
    );
    expect(Object.fromEntries(await listCustomSearchAttributes(temporal.connection, namespace))).toEqual({ CustomerId: 'Keyword' });
  });
});
