import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { stubFetch } from '../test/fetch-stub';
import { AdminPage } from './admin-page';
import { countsOf } from './analytics-charts';
import { ageOf } from './knowledge-sources';

describe('AdminPage', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('says "not available yet" for each section whose endpoint the API does not serve', async () => {
    stubFetch({});
    render(
      <MemoryRouter>
        <AdminPage />
      </MemoryRouter>,
    );
    const notes = await screen.findAllByTestId('not-available');
    expect(notes.map((note) => note.textContent)).toEqual([
      expect.stringContaining('GET /api/analytics/overview'),
      expect.stringContaining('GET /api/analytics/escalations'),
      expect.stringContaining('GET /api/analytics/agents'),
      expect.stringContaining('GET /api/agents'),
      expect.stringContaining('GET /api/knowledge/sources'),
      expect.stringContaining('GET /api/models'),
    ]);
  });

  it('lists the catalog and saves an edited agent as a new version', async () => {
    const user = userEvent.setup();
    const requests = stubFetch({
      'GET /api/agents': () => ({ body: { agents: [{ id: 'billing-expert', name: 'Billing Expert', team: 'support', version: 3, description: 'Invoices', expertise: ['invoice'] }] } }),
      'PUT /api/agents/billing-expert': (request) => ({ body: request.body }),
      'GET /api/models': () => ({ body: { models: [{ provider: 'offline', modelId: 'offline-extractive-v1', tier: 'basic' }], providers: [{ provider: 'offline', status: 'healthy' }] } }),
    });
    render(
      <MemoryRouter>
        <AdminPage />
      </MemoryRouter>,
    );
    await user.click(await screen.findByRole('button', { name: 'Edit Billing Expert' }));
    const form = screen.getByRole('form', { name: 'Edit Billing Expert' });
    expect(within(form).getByText(/creates version 4/)).toBeInTheDocument();
    await user.type(within(form).getByLabelText('Expertise (comma-separated)'), ', refund');
    await user.click(within(form).getByRole('button', { name: 'Save' }));
    const put = requests.find((request) => request.method === 'PUT');
    expect(put?.body).toMatchObject({ id: 'billing-expert', expertise: ['invoice', 'refund'], enabled: true });
    expect(await screen.findByRole('list', { name: 'Provider health' })).toHaveTextContent('offline: healthy');
    expect(screen.getByText('offline-extractive-v1')).toBeInTheDocument();
  });
});

describe('analytics helpers', () => {
  it('turns outcome counts into chart rows, largest first', () => {
    expect(countsOf({ approved: 2, edited: 5, rejected: 0 })).toEqual([
      { name: 'edited', count: 5 },
      { name: 'approved', count: 2 },
      { name: 'rejected', count: 0 },
    ]);
  });

  it('says how fresh a source is', () => {
    const now = Date.parse('2026-01-03T00:00:00Z');
    expect(ageOf('2026-01-02T23:30:00Z', now)).toBe('30 min ago');
    expect(ageOf('2026-01-02T00:00:00Z', now)).toBe('24 h ago');
    expect(ageOf(null, now)).toBe('never');
  });
});
