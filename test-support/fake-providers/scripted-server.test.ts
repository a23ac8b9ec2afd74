import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { jsonReply, ScriptedServer } from './scripted-server.js';

let server: ScriptedServer;
beforeAll(async () => {
  server = await ScriptedServer.start();
});
afterAll(async () => server.close());
beforeEach(() => server.reset());

describe('ScriptedServer', () => {
  it('listens on loopback, answers queued replies in order, and records each request', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    server.enqueue('POST /v1/x', jsonReply(201, { first: true }), (request) => jsonReply(200, { echoed: request.body }));
    const post = (body: unknown) => fetch(`${server.url}/v1/x?beta=1`, { method: 'POST', body: JSON.stringify(body), headers: { 'x-api-key': 'k' } });
    const first = await post({ n: 1 });
    expect([first.status, await first.json()]).toEqual([201, { first: true }]);
    expect(await (await post({ n: 2 })).json()).toEqual({ echoed: { n: 2 } });
    expect(server.requestsTo('/v1/x').map((request) => [request.body, request.headers['x-api-key']])).toEqual([[{ n: 1 }, 'k'], [{ n: 2 }, 'k']]);
    expect(server.pendingReplies()).toBe(0);
  });

  it('answers an unscripted request loudly with 599 and lists it as unexpected', async () => {
    const response = await fetch(`${server.url}/nowhere`);
    expect(response.status).toBe(599);
    expect(server.unexpected.map((request) => request.path)).toEqual(['/nowhere']);
  });

  it('streams chunks and can stop sending without closing the connection', async () => {
    server.enqueue('GET /s', { type: 'stream', contentType: 'text/plain', chunks: ['a', 'b'], ending: 'stall' });
    const response = await fetch(`${server.url}/s`);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    while (text.length < 2) text += new TextDecoder().decode((await reader.read()).value);
    expect(text).toBe('ab');
    const next = reader.read();
    const winner = await Promise.race([next.then(() => 'data'), new Promise((resolve) => setTimeout(() => resolve('silence'), 100))]);
    expect(winner).toBe('silence');
    server.dropConnections();
    await next.catch(() => undefined);
  });
});
