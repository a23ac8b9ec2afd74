import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import { defineSearchAttributeKey, SearchAttributeType, TypedSearchAttributes } from '@temporalio/common';
import { afterEach, describe, expect, it } from 'vitest';
import { SEARCH_ATTRIBUTE_TYPES } from '../domain/constants.js';
import { createLogger } from '../domain/logger.js';
import { buildDevServerArguments, findFreePort, startDevServer, type DevServer } from './dev-server.js';

const logger = createLogger({ name: 'dev-server-test', level: process.env.LOG_LEVEL ?? 'silent' });
const customerId = defineSearchAttributeKey('CustomerId', SearchAttributeType.KEYWORD);
/** `temporal.api.enums.v1.IndexedValueType` numbers of AgentCraft's attribute types. */
const INDEXED_VALUE_TYPES = { Keyword: 2, Bool: 5, KeywordList: 7 } as const;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start(options: Partial<Parameters<typeof startDevServer>[0]>): Promise<DevServer> {
  const server = await startDevServer({ headless: true, logger, ...options });
  cleanups.push(() => server.stop());
  return server;
}

async function connect(server: DevServer, namespace: string): Promise<{ connection: Connection; client: Client }> {
  const connection = await Connection.connect({ address: server.address });
  cleanups.push(() => connection.close());
  return { connection, client: new Client({ connection, namespace }) };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

/** Visibility is written asynchronously after a start: poll the list (bounded) rather than sleep. */
async function listIds(client: Client, query: string): Promise<string[]> {
  for (let attempt = 0; ; attempt++) {
    const ids: string[] = [];
    for await (const execution of client.workflow.list({ query })) ids.push(execution.workflowId);
    if (ids.length > 0 || attempt === 100) return ids;
    await sleep(100);
  }
}

describe('buildDevServerArguments', () => {
  it('turns settings into start-dev flags with every search attribute and the dynamic config', () => {
    const commandArguments = buildDevServerArguments({
      ip: '127.0.0.1',
      port: 7233,
      uiPort: null,
      databaseFile: '/data/temporal.sqlite',
      namespace: 'agentcraft',
      uiCodecEndpoint: 'http://localhost:3000/codec',
    });
    expect(commandArguments.slice(0, 13)).toEqual([
      'server', 'start-dev', '--ip', '127.0.0.1', '--port', '7233', '--log-level', 'warn',
      '--db-filename', '/data/temporal.sqlite', '--namespace', 'agentcraft', '--headless',
    ]);
    const searchAttributeFlags = commandArguments.flatMap((value, index) => (commandArguments[index - 1] === '--search-attribute' ? [value] : []));
    expect(searchAttributeFlags).toEqual(Object.entries(SEARCH_ATTRIBUTE_TYPES).map(([name, type]) => `${name}=${type}`));
    expect(commandArguments).toContain('matching.numTaskqueueReadPartitions=1');
    expect(commandArguments).not.toContain('--ui-codec-endpoint');
  });

  it('passes the UI port, codec endpoint and news opt-out when the UI is on', () => {
    const commandArguments = buildDevServerArguments({
      ip: '127.0.0.1', port: 7233, uiPort: 8233, databaseFile: null, namespace: null, uiCodecEndpoint: 'http://localhost:3000/codec',
    });
    expect(commandArguments.join(' ')).toContain('--ui-port 8233 --ui-disable-news-fetch --ui-codec-endpoint http://localhost:3000/codec');
    expect(commandArguments).not.toContain('--headless');
    expect(commandArguments).not.toContain('--db-filename');
  });
});

describe('startDevServer', () => {
  it('registers the search attributes, keeps state in SQLite across restarts, and stops cleanly', async () => {
    const dataDirectory = await mkdtemp(path.join(os.tmpdir(), 'agentcraft-dev-server-'));
    cleanups.push(() => rm(dataDirectory, { recursive: true, force: true }));
    const namespace = 'agentcraft-test';
    const workflowId = `dev-server-test-${randomUUID()}`;

    const first = await start({ dataDirectory, namespace });
    const { connection, client } = await connect(first, namespace);
    const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
    expect(customAttributes).toEqual(
      Object.fromEntries(Object.entries(SEARCH_ATTRIBUTE_TYPES).map(([name, type]) => [name, INDEXED_VALUE_TYPES[type]])),
    );
    await client.workflow.start('conversationWorkflow', {
      taskQueue: `dev-server-test-${randomUUID()}`, // no worker: the workflow stays Running
      workflowId,
      typedSearchAttributes: new TypedSearchAttributes([{ key: customerId, value: 'customer-1' }]),
    });
    expect(await listIds(client, `CustomerId = "customer-1"`)).toEqual([workflowId]);
    await connection.close();
    await first.stop();
    expect(isAlive(first.pid)).toBe(false);
    expect(existsSync(path.join(dataDirectory, 'temporal.sqlite'))).toBe(true);

    const second = await start({ dataDirectory, namespace });
    const restarted = await connect(second, namespace);
    const description = await restarted.client.workflow.getHandle(workflowId).describe();
    expect(description.status.name).toBe('RUNNING');
    expect(description.typedSearchAttributes.get(customerId)).toBe('customer-1');
    expect(await listIds(restarted.client, `CustomerId = "customer-1"`)).toEqual([workflowId]);
    await second.stop();
    await second.stop();
    expect(isAlive(second.pid)).toBe(false);
  });

  it('serves the Web UI when not headless', async () => {
    const server = await start({ headless: false });
    expect(server.uiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(server.uiUrl ?? '');
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<html');
  });

  it('refuses a taken port before spawning, naming the port', async () => {
    const port = await findFreePort();
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => blocker.close(() => resolve())));

    await expect(start({ port })).rejects.toThrow(`gRPC port ${port} on 127.0.0.1 is already in use`);
  });

  it('rejects with the server output when the process exits before it is ready', async () => {
    const dataDirectory = await mkdtemp(path.join(os.tmpdir(), 'agentcraft-dev-server-'));
    cleanups.push(() => rm(dataDirectory, { recursive: true, force: true }));
    await writeFile(path.join(dataDirectory, 'temporal.sqlite'), 'not a database, corrupted on purpose');

    await expect(start({ dataDirectory })).rejects.toThrow(
      /exited \(1\) before it was ready at 127\.0\.0\.1:\d+\.\nLast output of `.+ server start-dev [^`]+`:\n[\s\S]*file is not a database/,
    );
  });
});
