import { act, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { onUnauthorized, setCredentialProvider } from '../api/credentials';
import { ApiError, requestJson, setApiBase } from '../api/http';
import { FakeWebSocket } from '../test/fake-websocket';
import { stubFetch, type StubbedRequest } from '../test/fetch-stub';
import { Widget } from './widget';
import { readWidgetOptions, type WidgetOptions } from './widget-options';
import { fetchWidgetToken, widgetCredentialProvider } from './widget-token';

const TOKEN_URL = 'https://shop.example/agentcraft-token';
const refused = { status: 401, body: { error: { code: 'unauthorized', message: 'Token expired' } } };

/** The integrator's endpoint hands out `jwt-1`, `jwt-2`, …; the API accepts only the tokens in `accepted`. */
function integratorAndApi(accepted: Set<string>, tokenStatus = 200) {
  let minted = 0;
  const requests = stubFetch({
    [`GET ${TOKEN_URL}`]: () => (tokenStatus === 200 ? { body: { token: `jwt-${++minted}` } } : { status: tokenStatus, body: { error: 'no session' } }),
    'GET /api/auth/me': (request) => (accepted.has(request.headers.authorization ?? '') ? { body: { principal: { subject: 'c-42' } } } : refused),
    'POST /api/chat': (request) =>
      accepted.has(request.headers.authorization ?? '') ? { status: 202, body: { conversationId: 'c1', turnId: 'c1.1', workflowId: 'w', turnWorkflowId: 'tw' } } : refused,
    'GET /api/conversations/c1': () => ({ status: 404, body: { error: { code: 'conversation_not_found', message: 'Conversation not found' } } }),
  });
  const tokenFetches = (): StubbedRequest[] => requests.filter((request) => request.path === TOKEN_URL);
  return { requests, tokenFetches };
}

describe('widget authentication', () => {
  afterEach(() => {
    setCredentialProvider(null);
    setApiBase('');
    vi.unstubAllGlobals();
  });

  it('reads data-token and data-token-url; the URL is resolved against the page and must be http(s)', () => {
    const script = document.createElement('script');
    script.src = 'https://agentcraft.example/widget.js';
    script.dataset.token = ' eyJ.jwt ';
    script.dataset.tokenUrl = '/agentcraft-token';
    expect(readWidgetOptions(script, 'https://shop.example/help')).toMatchObject({ token: 'eyJ.jwt', tokenUrl: TOKEN_URL });
    script.dataset.tokenUrl = 'javascript:alert(1)';
    expect(readWidgetOptions(script, 'https://shop.example/help').tokenUrl).toBeUndefined();
    expect(widgetCredentialProvider({})).toBeNull();
  });

  it('fetches { token } from the integrator with its cookies, and refuses any other answer', async () => {
    const requests = stubFetch({ [`GET ${TOKEN_URL}`]: () => ({ body: { token: 'jwt-a' } }), 'GET https://shop.example/odd': () => ({ body: { jwt: 'x' } }) });
    expect(await fetchWidgetToken(TOKEN_URL)).toBe('jwt-a');
    expect(requests[0]?.credentials).toBe('include');
    expect(await fetchWidgetToken('https://shop.example/odd')).toBeNull();
    expect(await fetchWidgetToken('https://shop.example/missing')).toBeNull();
  });

  it('with data-token-url: fetches a token before the first request, and a fresh one (retrying once) after a 401', async () => {
    const accepted = new Set(['Bearer jwt-1']);
    const { requests, tokenFetches } = integratorAndApi(accepted);
    setCredentialProvider(widgetCredentialProvider({ tokenUrl: TOKEN_URL }));
    await requestJson('/api/auth/me');
    expect(tokenFetches()).toHaveLength(1);
    expect(requests.at(-1)?.headers.authorization).toBe('Bearer jwt-1');

    // jwt-1 expires: the next requests (two at once) get 401, share one new token and retry with it.
    accepted.clear();
    accepted.add('Bearer jwt-2');
    const unauthorized = vi.fn();
    const unsubscribe = onUnauthorized(unauthorized);
    await Promise.all([requestJson('/api/auth/me'), requestJson('/api/auth/me')]);
    unsubscribe();
    expect(tokenFetches()).toHaveLength(2);
    expect(requests.filter((request) => request.path === '/api/auth/me').map((request) => request.headers.authorization)).toEqual(['Bearer jwt-1', 'Bearer jwt-1', 'Bearer jwt-1', 'Bearer jwt-2', 'Bearer jwt-2']);
    expect(unauthorized).not.toHaveBeenCalled();
  });

  it('reports the 401 when the integrator has no token to give (no retry loop)', async () => {
    const { requests, tokenFetches } = integratorAndApi(new Set(), 403);
    setCredentialProvider(widgetCredentialProvider({ token: 'jwt-static', tokenUrl: TOKEN_URL }));
    const unauthorized = vi.fn();
    const unsubscribe = onUnauthorized(unauthorized);
    const error = await requestJson('/api/auth/me').catch((caught: unknown) => caught);
    unsubscribe();
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(401);
    expect(tokenFetches()).toHaveLength(1);
    expect(requests.filter((request) => request.path === '/api/auth/me').map((request) => request.headers.authorization)).toEqual(['Bearer jwt-static']);
    expect(unauthorized).toHaveBeenCalledTimes(1);
  });

  it('with only data-token: sends it and never fetches', async () => {
    const { requests } = integratorAndApi(new Set(['Bearer jwt-static']));
    setCredentialProvider(widgetCredentialProvider({ token: 'jwt-static' }));
    await requestJson('/api/auth/me');
    expect(requests.map((request) => `${request.path} ${request.headers.authorization}`)).toEqual(['/api/auth/me Bearer jwt-static']);
  });
});

describe('Widget with data-token-url', () => {
  beforeEach(() => {
    FakeWebSocket.instances = [];
    vi.stubGlobal('WebSocket', FakeWebSocket);
  });
  afterEach(() => {
    setCredentialProvider(null);
    setApiBase('');
    vi.unstubAllGlobals();
  });

  it('sends the question with the integrator’s token and follows the answer with ?access_token=', async () => {
    const user = userEvent.setup();
    const { requests } = integratorAndApi(new Set(['Bearer jwt-1']));
    setApiBase('https://agentcraft.example');
    const options: WidgetOptions = { apiBase: 'https://agentcraft.example', title: 'Help', position: 'right', primaryColor: '#1d4ed8', openOnLoad: true, greeting: 'Hi', tokenUrl: TOKEN_URL };
    setCredentialProvider(widgetCredentialProvider(options));
    // The stub matches paths by prefix: serve the API under the API base too.
    vi.stubGlobal('fetch', relativeTo('https://agentcraft.example', fetch));
    render(<Widget options={options} />);
    await user.type(screen.getByLabelText('Your message'), 'Where is my order?{Enter}');
    await vi.waitFor(() => expect(requests.find((request) => request.path === '/api/chat')?.headers.authorization).toBe('Bearer jwt-1'));
    expect(requests[0]?.path).toBe(TOKEN_URL);
    await vi.waitFor(() => expect(FakeWebSocket.instances.length).toBeGreaterThan(0));
    const socketUrl = new URL(FakeWebSocket.latest().url);
    expect(`${socketUrl.origin}${socketUrl.pathname}`).toBe('wss://agentcraft.example/api/ws/agent-tracking');
    expect(socketUrl.searchParams.get('access_token')).toBe('jwt-1');
    act(() => FakeWebSocket.latest().open());
    expect(FakeWebSocket.latest().sent).toEqual([{ type: 'subscribe', conversationId: 'c1', fromSeq: 0 }]);
  });
});

/** Strips the API base so the stub's `METHOD /api/…` routes match the widget's absolute URLs. */
function relativeTo(base: string, inner: typeof fetch): typeof fetch {
  return ((input: string, init?: RequestInit) => inner(String(input).startsWith(base) ? String(input).slice(base.length) : input, init)) as typeof fetch;
}
