import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { trackingUrl } from '../api/tracking-socket';
import { appRoutes } from '../app';
import { resetConversationListCache } from '../chat/conversation-list-store';
import { FakeWebSocket } from '../test/fake-websocket';
import { developmentMe, stubFetch } from '../test/fetch-stub';

const customerMe = {
  principal: { subject: 'user-42', tenantId: 'acme', roles: ['customer'], method: 'jwt', customerId: 'user-42' },
  developmentMode: false,
};
const adminMe = {
  principal: { subject: 'ana@acme.test', tenantId: 'acme', roles: ['admin'], method: 'jwt', customerId: null },
  developmentMode: false,
};

function renderAt(path: string) {
  const router = createMemoryRouter(appRoutes, { initialEntries: [path] });
  render(<RouterProvider router={router} />);
  return router;
}

function mainNavigation(): HTMLElement {
  return screen.getByRole('navigation', { name: 'Main' });
}

describe('authentication in the shell', () => {
  beforeEach(() => {
    FakeWebSocket.instances = [];
    vi.stubGlobal('WebSocket', FakeWebSocket);
    resetConversationListCache();
  });
  afterEach(() => vi.unstubAllGlobals());

  it('shows a persistent development-mode banner and the all-roles principal when the server runs without authentication', async () => {
    stubFetch({ 'GET /api/auth/me': () => ({ body: developmentMe }), 'GET /api/conversations': () => ({ body: { conversations: [] } }) });
    renderAt('/');
    const banner = await screen.findByRole('note', { name: 'Development mode' });
    expect(banner).toHaveTextContent('Development mode — no authentication.');
    expect(banner).toHaveTextContent('dev-user');
    expect(screen.getByTestId('principal')).toHaveTextContent('dev-user · tenant default · customer, reviewer, admin, operator');
    const links = within(mainNavigation()).getAllByRole('link').map((link) => link.textContent);
    expect(links).toEqual(['Chat', 'Review', 'Debug', 'Admin']);
    // No stored credential: offer to sign in with a real one rather than a sign-out that does nothing.
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeInTheDocument();
  });

  it('asks for a credential after a 401, keeps it in sessionStorage, and sends it as a bearer token from then on', async () => {
    const user = userEvent.setup();
    const requests = stubFetch({
      'GET /api/auth/me': (request) => (request.headers.authorization === 'Bearer ack_k1_secret' ? { body: adminMe } : { status: 401, body: { error: { code: 'unauthorized', message: 'Sign in' } } }),
      'GET /api/conversations': () => ({ body: { conversations: [] } }),
    });
    renderAt('/');
    const dialog = await screen.findByRole('dialog', { name: 'Sign in' });
    expect(screen.queryByRole('note', { name: 'Development mode' })).not.toBeInTheDocument();
    expect(within(mainNavigation()).getAllByRole('link').map((link) => link.textContent)).toEqual(['Chat']);

    await user.type(within(dialog).getByLabelText('Bearer token or API key'), 'wrong');
    await user.click(within(dialog).getByRole('button', { name: 'Sign in' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('The server did not accept this credential.');
    expect(window.sessionStorage.getItem('agentcraft.credential')).toBeNull();

    await user.clear(within(dialog).getByLabelText('Bearer token or API key'));
    await user.type(within(dialog).getByLabelText('Bearer token or API key'), 'ack_k1_secret');
    await user.click(within(dialog).getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByTestId('principal')).toHaveTextContent('ana@acme.test · tenant acme · admin');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(window.sessionStorage.getItem('agentcraft.credential')).toBe('ack_k1_secret');
    // The page reloaded with the credential: the conversation list was fetched again, with the header.
    await vi.waitFor(() => expect(requests.filter((request) => request.path.startsWith('/api/conversations') && request.headers.authorization === 'Bearer ack_k1_secret').length).toBeGreaterThan(0), { timeout: 5000 });
    expect(within(mainNavigation()).getAllByRole('link').map((link) => link.textContent)).toEqual(['Chat', 'Review', 'Debug', 'Admin']);
    // Browsers cannot set headers on a WebSocket: the credential travels in the query string.
    expect(new URL(trackingUrl()).searchParams.get('access_token')).toBe('ack_k1_secret');

    await user.click(screen.getByRole('button', { name: 'Sign out' }));
    expect(window.sessionStorage.getItem('agentcraft.credential')).toBeNull();
    expect(await screen.findByRole('dialog', { name: 'Sign in' })).toBeInTheDocument();
    expect(new URL(trackingUrl()).searchParams.has('access_token')).toBe(false);
  });

  it('opens the sign-in dialog when any page request is refused, and Escape closes it', async () => {
    const user = userEvent.setup();
    stubFetch({
      'GET /api/auth/me': () => ({ body: adminMe }),
      'GET /api/conversations': () => ({ body: { conversations: [] } }),
      'GET /api/auth/keys': () => ({ status: 401, body: { error: { code: 'unauthorized', message: 'Token expired' } } }),
    });
    renderAt('/admin/keys');
    const dialog = await screen.findByRole('dialog', { name: 'Sign in' });
    expect(dialog).toHaveTextContent('The server refused a request with your current credential.');
    expect(within(dialog).getByLabelText('Bearer token or API key')).toHaveFocus();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });

  it('hides review, debug and admin from a customer and refuses the admin pages', async () => {
    stubFetch({ 'GET /api/auth/me': () => ({ body: customerMe }), 'GET /api/conversations': () => ({ body: { conversations: [] } }) });
    renderAt('/admin/keys');
    expect(await screen.findByRole('heading', { level: 1, name: 'Not allowed' })).toBeInTheDocument();
    expect(screen.getByRole('alert')).toHaveTextContent('This page needs one of these roles: admin.');
    expect(within(mainNavigation()).getAllByRole('link').map((link) => link.textContent)).toEqual(['Chat']);
  });

  it('shows every page, without a banner, when the server has no /api/auth/me', async () => {
    stubFetch({ 'GET /api/conversations': () => ({ body: { conversations: [] } }) });
    renderAt('/');
    await screen.findByRole('heading', { name: 'New conversation' });
    await vi.waitFor(() => expect(within(mainNavigation()).getAllByRole('link')).toHaveLength(4), { timeout: 5000 });
    expect(screen.queryByTestId('dev-mode-banner')).not.toBeInTheDocument();
    expect(screen.queryByTestId('principal')).not.toBeInTheDocument();
  });

  it('opens the sign-in dialog when the chat’s WebSocket closes before opening and /api/auth/me then answers 401', async () => {
    let expired = false;
    const requests = stubFetch({
      'GET /api/auth/me': () => (expired ? { status: 401, body: { error: { code: 'unauthorized', message: 'Token expired' } } } : { body: customerMe }),
      'GET /api/conversations/c1': () => ({ status: 404, body: { error: { code: 'conversation_not_found', message: 'Conversation not found' } } }),
      'GET /api/conversations': () => ({ body: { conversations: [] } }),
    });
    renderAt('/c/c1');
    await screen.findByTestId('principal');
    await vi.waitFor(() => expect(FakeWebSocket.instances.length).toBeGreaterThan(0));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    // The token expired: the server refuses the upgrade, which the browser reports only as a close.
    expired = true;
    const probesBefore = requests.filter((request) => request.path === '/api/auth/me').length;
    act(() => FakeWebSocket.latest().drop());
    const dialog = await screen.findByRole('dialog', { name: 'Sign in' });
    expect(dialog).toHaveTextContent('The server refused a request with your current credential.');
    expect(requests.filter((request) => request.path === '/api/auth/me')).toHaveLength(probesBefore + 1);
    expect(screen.getByText('Live updates stopped: the server did not accept your sign-in.')).toBeInTheDocument();
  });

  it('keeps reconnecting, without a dialog, when a socket closes before opening but the credential is still accepted', async () => {
    const requests = stubFetch({
      'GET /api/auth/me': () => ({ body: customerMe }),
      'GET /api/conversations/c1': () => ({ status: 404, body: { error: { code: 'conversation_not_found', message: 'Conversation not found' } } }),
      'GET /api/conversations': () => ({ body: { conversations: [] } }),
    });
    renderAt('/c/c1');
    await screen.findByTestId('principal');
    await vi.waitFor(() => expect(FakeWebSocket.instances.length).toBeGreaterThan(0));
    const probesBefore = requests.filter((request) => request.path === '/api/auth/me').length;
    act(() => FakeWebSocket.latest().drop());
    await vi.waitFor(() => expect(FakeWebSocket.instances.length).toBeGreaterThan(1), { timeout: 5000 });
    expect(requests.filter((request) => request.path === '/api/auth/me')).toHaveLength(probesBefore + 1);
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });
});
