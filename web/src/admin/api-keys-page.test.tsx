import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ApiKeyView } from '../api/auth-types';
import { stubFetch } from '../test/fetch-stub';
import { keyInputOf } from './api-key-form';
import { ApiKeysPage, keyStateOf } from './api-keys-page';

function key(overrides: Partial<ApiKeyView>): ApiKeyView {
  return {
    id: 'k1',
    name: 'CRM backend',
    prefix: 'ack_k1',
    roles: ['integrator'],
    scopes: ['conversations:write'],
    createdAt: '2026-01-01T00:00:00.000Z',
    expiresAt: null,
    lastUsedAt: '2026-01-05T10:00:00.000Z',
    revokedAt: null,
    rotatedFromId: null,
    ...overrides,
  };
}

function renderPage() {
  return render(
    <MemoryRouter>
      <ApiKeysPage />
    </MemoryRouter>,
  );
}

describe('ApiKeysPage', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('creates a key and shows its secret once, with a copy button and a warning', async () => {
    const user = userEvent.setup();
    const writeText = vi.fn(() => Promise.resolve());
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } });
    const requests = stubFetch({
      'GET /api/auth/keys': () => ({ body: { keys: [] } }),
      'POST /api/auth/keys': (request) => ({ status: 201, body: { key: key({ name: (request.body as { name: string }).name }), secret: 'ack_k1_s3cr3t' } }),
    });
    renderPage();
    const form = await screen.findByRole('form', { name: 'New API key' });
    await user.click(within(form).getByRole('button', { name: 'Create key' }));
    expect(within(form).getByRole('alert')).toHaveTextContent('Give the key a name.');

    await user.type(within(form).getByLabelText('Name'), 'CRM backend');
    await user.click(within(form).getByLabelText('conversations:write'));
    await user.click(within(form).getByLabelText('reviewer'));
    await user.click(within(form).getByRole('button', { name: 'Create key' }));
    expect(requests.find((request) => request.method === 'POST')?.body).toEqual({ name: 'CRM backend', roles: ['integrator', 'reviewer'], scopes: ['conversations:write'] });

    const reveal = await screen.findByTestId('secret-reveal');
    expect(within(reveal).getByRole('heading')).toHaveTextContent('Key “CRM backend” created');
    expect(within(reveal).getByRole('alert')).toHaveTextContent('it is shown only once');
    expect(within(reveal).getByLabelText('Secret')).toHaveValue('ack_k1_s3cr3t');
    await user.click(within(reveal).getByRole('button', { name: 'Copy' }));
    expect(writeText).toHaveBeenCalledWith('ack_k1_s3cr3t');
    expect(within(reveal).getByText('Copied to the clipboard.')).toBeInTheDocument();
    await user.click(within(reveal).getByRole('button', { name: 'I have stored it' }));
    expect(screen.queryByTestId('secret-reveal')).not.toBeInTheDocument();
    expect(screen.queryByDisplayValue('ack_k1_s3cr3t')).not.toBeInTheDocument();
  });

  it('lists keys with prefix, last use, expiry and state; rotates and revokes after confirmation', async () => {
    const user = userEvent.setup();
    const requests = stubFetch({
      'GET /api/auth/keys': () => ({
        body: { keys: [key({}), key({ id: 'k0', name: 'Old backend', prefix: 'ack_k0', revokedAt: '2026-01-03T00:00:00.000Z', lastUsedAt: null })] },
      }),
      'POST /api/auth/keys/k1/rotate': () => ({ status: 201, body: { key: key({ id: 'k2', prefix: 'ack_k2', rotatedFromId: 'k1' }), secret: 'ack_k2_new' } }),
      'DELETE /api/auth/keys/k1': () => ({ status: 204, body: null }),
    });
    renderPage();
    const table = await screen.findByRole('table', { name: 'API keys' });
    const active = within(table).getByRole('rowheader', { name: 'CRM backend' }).closest('tr') as HTMLElement;
    expect(active).toHaveTextContent('ack_k1');
    expect(active).toHaveTextContent('conversations:write');
    expect(active).toHaveTextContent('active');
    const revoked = within(table).getByRole('rowheader', { name: 'Old backend' }).closest('tr') as HTMLElement;
    expect(revoked).toHaveTextContent('revoked');
    expect(revoked).toHaveTextContent('never');
    expect(within(revoked).queryByRole('button')).not.toBeInTheDocument();

    await user.click(within(active).getByRole('button', { name: 'Rotate CRM backend' }));
    await user.click(within(active).getByRole('button', { name: 'Rotate key' }));
    expect(requests.find((request) => request.path === '/api/auth/keys/k1/rotate')?.body).toEqual({ graceSeconds: 86_400 });
    expect(within(await screen.findByTestId('secret-reveal')).getByLabelText('Secret')).toHaveValue('ack_k2_new');

    await user.click(within(active).getByRole('button', { name: 'Revoke CRM backend' }));
    expect(within(active).getByRole('alertdialog')).toHaveTextContent('Requests with it fail at once.');
    await user.click(within(active).getByRole('button', { name: 'Revoke key' }));
    expect(requests.some((request) => request.method === 'DELETE' && request.path === '/api/auth/keys/k1')).toBe(true);
    expect(await screen.findByText('Key “CRM backend” revoked.')).toBeInTheDocument();
  });
});

describe('API key helpers', () => {
  it('tells active, expired and revoked keys apart', () => {
    const now = Date.parse('2026-02-01T00:00:00Z');
    expect(keyStateOf(key({}), now)).toBe('active');
    expect(keyStateOf(key({ expiresAt: '2026-01-31T00:00:00Z' }), now)).toBe('expired');
    expect(keyStateOf(key({ revokedAt: '2026-01-01T00:00:00Z' }), now)).toBe('revoked');
  });

  it('checks the form: a role, a future expiry', () => {
    const now = Date.parse('2026-02-01T00:00:00Z');
    expect(keyInputOf('x', [], [], '', now)).toEqual({ ok: false, error: 'Choose at least one role.' });
    expect(keyInputOf('x', ['integrator'], [], '2026-01-01T10:00', now)).toEqual({ ok: false, error: 'The expiry must be in the future.' });
    const input = keyInputOf('x', ['integrator'], ['chat', 'knowledge'], '2026-03-01T10:00', now);
    expect(input.ok && input.value.scopes).toEqual(['chat', 'knowledge']);
    expect(input.ok && typeof input.value.expiresAt).toBe('string');
  });
});
