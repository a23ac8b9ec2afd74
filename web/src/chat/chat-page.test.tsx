import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { appRoutes } from '../app';
import { eventFrame, FakeWebSocket } from '../test/fake-websocket';
import { stubFetch } from '../test/fetch-stub';
import { resetConversationListCache } from './conversation-list-store';

const citation = { index: 1, passageId: 'p1', source: 'knowledge', documentId: 'd1', title: 'Rotate an API key', url: 'https://help.example/keys', snippet: 'Old secrets keep working.' };

describe('ChatPage', () => {
  beforeEach(() => {
    FakeWebSocket.instances = [];
    vi.stubGlobal('WebSocket', FakeWebSocket);
    resetConversationListCache();
  });
  afterEach(() => vi.unstubAllGlobals());

  it('sends a question, streams the answer with specialists, survives a dropped socket, and links citations', async () => {
    const user = userEvent.setup();
    const requests = stubFetch({
      'POST /api/chat': () => ({ status: 202, body: { conversationId: 'c1', turnId: 'c1.1', workflowId: 'conversation-c1', turnWorkflowId: 'conversation-c1-turn-1' } }),
      'GET /api/conversations/c1': () => ({ status: 404, body: { error: { code: 'conversation_not_found', message: 'Conversation not found' } } }),
    });
    const router = createMemoryRouter(appRoutes, { initialEntries: ['/'] });
    render(<RouterProvider router={router} />);

    await user.type(screen.getByLabelText('Your message'), 'How do I rotate a key?{Enter}');
    expect(requests.find((request) => request.method === 'POST')).toMatchObject({ method: 'POST', path: '/api/chat', body: { message: 'How do I rotate a key?' } });
    await vi.waitFor(() => expect(router.state.location.pathname).toBe('/c/c1'));
    expect(screen.getByRole('link', { name: /How do I rotate a key\?/ })).toBeInTheDocument();

    await vi.waitFor(() => expect(FakeWebSocket.instances.length).toBeGreaterThan(0));
    const first = FakeWebSocket.latest();
    act(() => {
      first.open();
      first.push({ type: 'snapshot', conversationId: 'c1', state: null, lastSeq: 0 });
      first.push(eventFrame(1, 'turn-started', { message: 'How do I rotate a key?' }));
      first.push(eventFrame(2, 'agent-started', { agentId: 'integration-specialist', name: 'Integration Specialist' }));
      first.push(eventFrame(3, 'token-delta', { text: 'Rotating keeps ' }));
    });
    const log = screen.getByRole('log', { name: 'Conversation' });
    expect(within(log).getByRole('list', { name: 'Specialists' })).toHaveTextContent('Integration Specialist is working');
    expect(within(log).getByText(/Rotating keeps/)).toBeInTheDocument();

    act(() => first.drop());
    expect(await screen.findByText('Connection lost — reconnecting…')).toBeInTheDocument();
    await vi.waitFor(() => expect(FakeWebSocket.instances.length).toBeGreaterThan(1), { timeout: 2000 });
    const second = FakeWebSocket.latest();
    act(() => second.open());
    expect(second.sent).toEqual([{ type: 'subscribe', conversationId: 'c1', fromSeq: 3 }]);
    act(() => {
      second.push({ type: 'snapshot', conversationId: 'c1', state: null, lastSeq: 3 });
      second.push(eventFrame(3, 'token-delta', { text: 'Rotating keeps ' }));
      second.push(eventFrame(4, 'token-delta', { text: 'the old secret.' }));
      second.push(eventFrame(5, 'agent-finished', { agentId: 'integration-specialist', confidence: 1 }));
    });
    expect(within(log).getByText('Rotating keeps the old secret.')).toBeInTheDocument();

    act(() => second.push(eventFrame(6, 'turn-finished', { result: { turnId: 'c1.1', status: 'completed', answer: 'Rotating keeps the old secret. [1]', citations: [citation], confidence: 0.95, agents: [], escalated: false, costUsd: 0 } })));
    expect(within(log).getAllByRole('article')).toHaveLength(2);
    await user.click(within(log).getByRole('button', { name: 'Source 1' }));
    expect(screen.getByRole('region', { name: 'Passage cited as 1' })).toHaveTextContent('Old secrets keep working.');
    expect(screen.getByText('High confidence (95%)')).toBeInTheDocument();
  });

  it('keeps the text and says why when sending fails', async () => {
    const user = userEvent.setup();
    stubFetch({ 'POST /api/chat': () => ({ status: 503, body: { error: { code: 'temporal_unavailable', message: 'Temporal is unavailable', requestId: 'r' } } }) });
    render(<RouterProvider router={createMemoryRouter(appRoutes, { initialEntries: ['/'] })} />);
    await user.type(screen.getByLabelText('Your message'), 'Hello{Enter}');
    expect(await screen.findByRole('alert')).toHaveTextContent('Temporal is unavailable');
    expect(screen.getByLabelText('Your message')).toHaveValue('Hello');
  });
});
