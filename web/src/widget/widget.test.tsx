import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeWebSocket } from '../test/fake-websocket';
import { stubFetch } from '../test/fetch-stub';
import { Widget } from './widget';
import type { WidgetOptions } from './widget-options';

const options: WidgetOptions = { apiBase: '', title: 'Help', position: 'right', primaryColor: '#1d4ed8', openOnLoad: true, greeting: 'Hi', customerId: 'cust-2' };
const gone = { status: 404, body: { error: { code: 'conversation_not_found', message: 'Conversation not found' } } };
const accepted = (conversationId: string) => ({ status: 202, body: { conversationId, turnId: `${conversationId}.1`, workflowId: 'w', turnWorkflowId: 'tw' } });

describe('Widget remembered conversation', () => {
  beforeEach(() => {
    window.localStorage.clear();
    FakeWebSocket.instances = [];
    vi.stubGlobal('WebSocket', FakeWebSocket);
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    window.localStorage.clear();
  });

  it('is kept per customer: another customer on the same browser does not resume it', () => {
    window.localStorage.setItem('agentcraft.widget..cust-1', 'c-of-cust-1');
    stubFetch({ 'GET /api/conversations/': () => gone });
    render(<Widget options={options} />);
    expect(screen.getByText('Hi')).toBeTruthy();
    expect(window.localStorage.getItem('agentcraft.widget..cust-2')).toBeNull();
  });

  it('starts a new conversation when the remembered one is gone for this visitor, and remembers the new one', async () => {
    window.localStorage.setItem('agentcraft.widget..cust-2', 'c-old');
    const user = userEvent.setup();
    const requests = stubFetch({
      'GET /api/conversations/c-old': () => gone,
      'GET /api/conversations/c-new': () => ({ body: { conversation: { id: 'c-new' }, messages: [] } }),
      'POST /api/chat': (request) => ((request.body as { conversationId?: string }).conversationId === 'c-old' ? gone : accepted('c-new')),
    });
    render(<Widget options={options} />);
    await user.type(screen.getByLabelText('Your message'), 'Where is my order?{Enter}');
    await vi.waitFor(() => expect(window.localStorage.getItem('agentcraft.widget..cust-2')).toBe('c-new'));
    const posts = requests.filter((request) => request.method === 'POST' && request.path === '/api/chat').map((request) => request.body);
    expect(posts).toEqual([
      { message: 'Where is my order?', conversationId: 'c-old', customerId: 'cust-2' },
      { message: 'Where is my order?', customerId: 'cust-2' },
    ]);
    expect(screen.queryByText(/could not be sent|Conversation not found/)).toBeNull();
  });

  it('still reports other failures of a remembered conversation', async () => {
    window.localStorage.setItem('agentcraft.widget..cust-2', 'c-old');
    const user = userEvent.setup();
    const requests = stubFetch({
      'GET /api/conversations/c-old': () => ({ body: { conversation: { id: 'c-old' }, messages: [] } }),
      'POST /api/chat': () => ({ status: 429, body: { error: { code: 'rate_limited', message: 'Too many requests' } } }),
    });
    render(<Widget options={options} />);
    await user.type(screen.getByLabelText('Your message'), 'Hello?{Enter}');
    await screen.findByText(/Too many requests/);
    expect(requests.filter((request) => request.method === 'POST')).toHaveLength(1);
    expect(window.localStorage.getItem('agentcraft.widget..cust-2')).toBe('c-old');
  });
});
