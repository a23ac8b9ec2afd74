import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryEventLog } from '../activities/events/memory-event-log.js';
import { createDatabase } from '../activities/persistence/database.js';
import { KyselyStore } from '../activities/persistence/kysely-store.js';
import { testTemporalAddress } from '../test-support/temporal.js';
import { startApiServer, type RunningApiServer } from './server.js';
import { webAppMiddleware } from './web-app.js';

const logger = pino({ level: 'silent' });
const database = createDatabase({});
const store = new KyselyStore(database, { logger });
const eventLog = new MemoryEventLog({ logger });
const browser = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };
const INDEX = '<!doctype html><title>AgentCraft test app</title><div id="root"></div>';
const SCRIPT = 'console.log("hashed asset");';

let webDist: string;
let connection: Connection;
let withWebApp: RunningApiServer;
let withoutWebApp: RunningApiServer;

async function start(webDistDirectory: string): Promise<RunningApiServer> {
  return startApiServer({
    temporal: new Client({ connection, namespace: 'default' }),
    store,
    eventLog,
    logger,
    port: 0,
    configuration: { temporal: { taskQueue: 'api-web-app-test', namespace: 'default' }, waitTimeoutMs: 2_000, webDistDirectory },
  });
}

beforeAll(async () => {
  webDist = mkdtempSync(path.join(tmpdir(), 'agentcraft-web-dist-'));
  mkdirSync(path.join(webDist, 'assets'));
  writeFileSync(path.join(webDist, 'index.html'), INDEX);
  writeFileSync(path.join(webDist, 'assets', 'x.js'), SCRIPT);
  writeFileSync(path.join(webDist, 'widget.js'), SCRIPT);
  await store.migrate();
  connection = await Connection.connect({ address: testTemporalAddress() });
  withWebApp = await start(webDist);
  withoutWebApp = await start(path.join(webDist, 'missing'));
});

afterAll(async () => {
  await Promise.allSettled([withWebApp?.close(), withoutWebApp?.close()]);
  await Promise.allSettled([store.close(), eventLog.close(), connection?.close()]);
  rmSync(webDist, { recursive: true, force: true });
});

const get = (server: RunningApiServer, pathname: string, headers: Record<string, string> = {}) =>
  fetch(`http://127.0.0.1:${server.port}${pathname}`, { headers });

describe('with a built web app', () => {
  it.each(['/', '/c/123', '/review', '/debug/conv-1/turn-2'])('serves index.html to a browser at %s, revalidated', async (pathname) => {
    const response = await get(withWebApp, pathname, browser);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(await response.text()).toBe(INDEX);
  });

  it('still answers JSON clients at / with the endpoint list', async () => {
    for (const accept of ['application/json', '*/*']) {
      const response = await get(withWebApp, '/', { accept });
      expect(response.status).toBe(200);
      expect(((await response.json()) as { name: string }).name).toBe('AgentCraft');
    }
  });

  it('serves hashed assets as immutable and other files as no-cache', async () => {
    const asset = await get(withWebApp, '/assets/x.js');
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await asset.text()).toBe(SCRIPT);

    const widget = await get(withWebApp, '/widget.js');
    expect(widget.status).toBe(200);
    expect(widget.headers.get('cache-control')).toBe('no-cache');
  });

  it('does not serve index.html itself by directory index or for a missing asset', async () => {
    const missing = await get(withWebApp, '/assets/missing.js', { accept: '*/*' });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('not_found');
  });

  it('keeps JSON 404s under /api/, even for a browser', async () => {
    for (const pathname of ['/api/nope', '/api']) {
      const response = await get(withWebApp, pathname, browser);
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('not_found');
    }
  });

  it('leaves the API routes first', async () => {
    const response = await get(withWebApp, '/healthz', browser);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('sends the SPA fallback for GET only', async () => {
    const response = await fetch(`http://127.0.0.1:${withWebApp.port}/c/123`, { method: 'POST', headers: browser });
    expect(response.status).toBe(404);
  });
});

describe('without a built web app', () => {
  it('is absent: webAppMiddleware returns null for a missing or unset directory', () => {
    expect(webAppMiddleware(path.join(webDist, 'missing'))).toBeNull();
    expect(webAppMiddleware(undefined)).toBeNull();
  });

  it('changes nothing: / is JSON for a browser too, other paths 404, no static files', async () => {
    const root = await get(withoutWebApp, '/', browser);
    expect(root.status).toBe(200);
    expect(((await root.json()) as { name: string }).name).toBe('AgentCraft');
    for (const pathname of ['/c/123', '/assets/x.js']) {
      const response = await get(withoutWebApp, pathname, browser);
      expect(response.status).toBe(404);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('not_found');
    }
  });
});
