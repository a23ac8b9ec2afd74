import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { normalizeAuditEntry } from '../api/admin-client';
import { stubFetch } from '../test/fetch-stub';
import { AuditPage } from './audit-page';

describe('AuditPage', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('shows the log and filters it by action', async () => {
    const user = userEvent.setup();
    const requests = stubFetch({
      'GET /api/audit': (request) => ({
        body: {
          entries: request.path.includes('action=api-key.revoked')
            ? [{ id: '2', at: '2026-01-02T00:00:00.000Z', tenantId: 'default', actor: 'ana', action: 'api-key.revoked', targetType: 'api-key', targetId: 'k1', detail: {} }]
            : [
                { id: '2', at: '2026-01-02T00:00:00.000Z', tenantId: 'default', actor: 'ana', action: 'api-key.revoked', targetType: 'api-key', targetId: 'k1', detail: {} },
                { id: '1', at: '2026-01-01T00:00:00.000Z', tenantId: 'default', actor: 'bo', action: 'review.decided', targetType: 'escalation', targetId: 'c1.1.review', detail: { action: 'approve' } },
              ],
        },
      }),
    });
    render(
      <MemoryRouter>
        <AuditPage />
      </MemoryRouter>,
    );
    const table = await screen.findByRole('table', { name: 'Audit log' });
    expect(within(table).getAllByRole('row')).toHaveLength(3);
    expect(within(table).getByText('review.decided').closest('tr')).toHaveTextContent('escalation c1.1.review');
    expect(within(table).getByText('review.decided').closest('tr')).toHaveTextContent('actionapprove');

    await user.type(screen.getByLabelText('Action'), 'api-key.revoked');
    await user.click(screen.getByRole('button', { name: 'Filter' }));
    await screen.findByRole('heading', { name: 'Entries with action “api-key.revoked”' });
    await vi.waitFor(() => expect(within(screen.getByRole('table', { name: 'Audit log' })).getAllByRole('row')).toHaveLength(2), { timeout: 5000 });
    expect(requests.at(-1)?.path).toBe('/api/audit?limit=50&action=api-key.revoked');
  });

  it('reads entries in the store’s field names too', () => {
    expect(normalizeAuditEntry({ id: 7, at: 'x', tenantId: 't', actor: 'a', action: 'agent.updated', subjectType: 'agent', subjectId: 'billing', details: { version: 3 } })).toEqual({
      id: '7',
      at: 'x',
      tenantId: 't',
      actor: 'a',
      action: 'agent.updated',
      targetType: 'agent',
      targetId: 'billing',
      detail: { version: 3 },
    });
  });
});
