import { render, screen, within } from '@testing-library/react';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { appRoutes } from '../app';
import { FakeWebSocket } from '../test/fake-websocket';
import { stubFetch } from '../test/fetch-stub';
import { rememberConversation, resetConversationListCache } from './conversation-list-store';
import { mergeConversations } from './use-conversations';

const record = (id: string, updatedAt: string, metadata: Record<string, unknown> = {}) => ({
  id,
  tenantId: 'default',
  customerId: null,
  status: 'active' as const,
  metadata,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt,
});

describe('the conversation list', () => {
  beforeEach(() => {
    FakeWebSocket.instances = [];
    vi.stubGlobal('WebSocket', FakeWebSocket);
    resetConversationListCache();
  });
  afterEach(() => vi.unstubAllGlobals());

  it('comes from the server, titled with what this browser remembers', async () => {
    rememberConversation('c1', 'How do I rotate a key?');
    stubFetch({ 'GET /api/conversations': () => ({ body: { conversations: [record('c2', '2026-01-03T00:00:00.000Z', { title: 'Refund question' }), record('c1', '2026-01-02T00:00:00.000Z')] } }) });
    render(<RouterProvider router={createMemoryRouter(appRoutes, { initialEntries: ['/'] })} />);
    const list = screen.getByRole('navigation', { name: 'Conversations' });
    await vi.waitFor(() => expect(list).toHaveAttribute('data-origin', 'server'), { timeout: 5000 });
    expect(within(list).getAllByRole('link').slice(1).map((link) => link.querySelector('.conversation-title')?.textContent)).toEqual(['Refund question', 'How do I rotate a key?']);
  });

  it('falls back to the browser-local list when the server’s cannot be loaded', async () => {
    rememberConversation('c1', 'Remembered locally');
    stubFetch({ 'GET /api/conversations': () => ({ status: 503, body: { error: { code: 'unavailable', message: 'down' } } }) });
    render(<RouterProvider router={createMemoryRouter(appRoutes, { initialEntries: ['/'] })} />);
    const list = screen.getByRole('navigation', { name: 'Conversations' });
    await vi.waitFor(() => expect(list).toHaveAttribute('data-origin', 'local'), { timeout: 5000 });
    expect(within(list).getByText(/the server’s list could not be loaded/)).toBeInTheDocument();
    expect(within(list).getByRole('link', { name: /Remembered locally/ })).toHaveAttribute('href', '/c/c1');
  });

  it('keeps a just-started conversation the server does not list yet, and drops old local ones it does not list', () => {
    const now = Date.parse('2026-01-05T00:10:00Z');
    const merged = mergeConversations(
      [record('c1', '2026-01-04T00:00:00.000Z')],
      [
        { id: 'new', title: 'Just asked', updatedAt: '2026-01-05T00:09:00.000Z' },
        { id: 'gone', title: 'Someone else’s', updatedAt: '2026-01-01T00:00:00.000Z' },
      ],
      now,
    );
    expect(merged.map((entry) => entry.id)).toEqual(['new', 'c1']);
    expect(merged[1]?.title).toBe('Conversation of ' + new Date('2026-01-01T00:00:00.000Z').toLocaleString());
  });
});
