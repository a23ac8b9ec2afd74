import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { stubFetch } from '../test/fetch-stub';
import { webhookInputOf } from './webhook-form';
import { WebhooksPage } from './webhooks-page';

const endpoint = { id: 'e1', url: 'https://crm.example.com/hooks', events: ['turn-finished'], active: true, createdAt: '2026-01-01T00:00:00.000Z', description: 'CRM' };
const failed = { id: 'd1', endpointId: 'e1', eventId: 'ev1', eventType: 'turn-finished', status: 'failed', attempts: 5, lastStatusCode: 500, lastError: 'Internal Server Error', createdAt: '2026-01-02T00:00:00.000Z', deliveredAt: null };

function renderPage() {
  return render(
    <MemoryRouter>
      <WebhooksPage deliveriesPollMs={60_000} />
    </MemoryRouter>,
  );
}

describe('WebhooksPage', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('creates an endpoint and shows its signing secret once', async () => {
    const user = userEvent.setup();
    const requests = stubFetch({
      'GET /api/webhooks/deliveries': () => ({ body: { deliveries: [] } }),
      'GET /api/webhooks': () => ({ body: { endpoints: [] } }),
      'POST /api/webhooks': () => ({ status: 201, body: { endpoint: { ...endpoint, id: 'e2' }, secret: 'whsec_abc' } }),
    });
    renderPage();
    const form = await screen.findByRole('form', { name: 'New webhook endpoint' });
    await user.type(within(form).getByLabelText('Receiver URL'), 'crm.example.com');
    await user.click(within(form).getByRole('button', { name: 'Add endpoint' }));
    expect(within(form).getByRole('alert')).toHaveTextContent('Enter the full URL');
    await user.clear(within(form).getByLabelText('Receiver URL'));
    await user.type(within(form).getByLabelText('Receiver URL'), 'https://crm.example.com/hooks');
    await user.click(within(form).getByLabelText('escalation-resolved'));
    await user.click(within(form).getByRole('button', { name: 'Add endpoint' }));
    expect(requests.find((request) => request.method === 'POST')?.body).toEqual({ url: 'https://crm.example.com/hooks', events: ['turn-finished', 'escalation-created'] });
    const reveal = await screen.findByTestId('secret-reveal');
    expect(within(reveal).getByLabelText('Secret')).toHaveValue('whsec_abc');
    expect(reveal).toHaveTextContent('shown only once');
  });

  it('lists deliveries with attempts and last response, replays one, filters by status, and deletes an endpoint after confirmation', async () => {
    const user = userEvent.setup();
    const requests = stubFetch({
      'GET /api/webhooks/deliveries': () => ({ body: { deliveries: [failed] } }),
      'GET /api/webhooks': () => ({ body: { endpoints: [endpoint] } }),
      'POST /api/webhooks/deliveries/d1/replay': () => ({ status: 202, body: { deliveryId: 'd9' } }),
      'DELETE /api/webhooks/e1': () => ({ status: 204, body: null }),
    });
    renderPage();
    const deliveries = await screen.findByRole('table', { name: 'Webhook deliveries' });
    const row = within(deliveries).getByRole('rowheader', { name: /turn-finished/ }).closest('tr') as HTMLElement;
    expect(row).toHaveTextContent('https://crm.example.com/hooks');
    expect(row).toHaveTextContent('failed');
    expect(row).toHaveTextContent('5');
    expect(row).toHaveTextContent('500Internal Server Error');
    await user.click(within(row).getByRole('button', { name: 'Replay turn-finished delivery d1' }));
    expect(requests.some((request) => request.method === 'POST' && request.path === '/api/webhooks/deliveries/d1/replay')).toBe(true);
    expect(await screen.findByText('Replay of turn-finished queued as delivery d9.')).toBeInTheDocument();

    await user.selectOptions(screen.getByLabelText('Status'), 'failed');
    await vi.waitFor(() => expect(requests.some((request) => request.path === '/api/webhooks/deliveries?limit=100&status=failed')).toBe(true), { timeout: 5000 });

    const endpoints = screen.getByRole('table', { name: 'Webhook endpoints' });
    await user.click(within(endpoints).getByRole('button', { name: 'Delete endpoint https://crm.example.com/hooks' }));
    await user.click(within(endpoints).getByRole('button', { name: 'Delete endpoint' }));
    expect(requests.some((request) => request.method === 'DELETE' && request.path === '/api/webhooks/e1')).toBe(true);
  });

  it('checks the endpoint form', () => {
    expect(webhookInputOf('ftp://x.example', ['turn-finished'], '')).toEqual({ ok: false, error: 'The URL must start with https:// or http://.' });
    expect(webhookInputOf('https://x.example/h', [], '')).toEqual({ ok: false, error: 'Choose at least one event.' });
  });
});
