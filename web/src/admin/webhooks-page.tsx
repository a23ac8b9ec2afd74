/**
 * `/admin/webhooks`: endpoints (list, create — the signing secret shown once — and delete) and the
 * delivery log with status, attempts, last status code and error, and a Replay button per delivery.
 */
import { useCallback, useState, type ReactNode } from 'react';
import { webhooksApi } from '../api/admin-client';
import type { WebhookCreated, WebhookEndpoint } from '../api/auth-types';
import { ConfirmButton } from '../components/confirm-button';
import { formatDateTime } from '../components/format';
import { ResourceView } from '../components/resource-view';
import { SecretReveal } from '../components/secret-reveal';
import { useResource } from '../components/use-resource';
import { AdminNav } from './admin-nav';
import { WebhookDeliveries } from './webhook-deliveries';
import { WebhookForm } from './webhook-form';

export function WebhooksPage({ deliveriesPollMs = 5000 }: { deliveriesPollMs?: number }): ReactNode {
  const { resource, reload } = useResource(() => webhooksApi.listEndpoints(), []);
  const [created, setCreated] = useState<WebhookCreated | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const onChanged = useCallback(
    (text: string) => {
      setAnnouncement(text);
      reload();
    },
    [reload],
  );
  return (
    <div className="page webhooks-page">
      <header className="page-header">
        <h1>Webhooks</h1>
      </header>
      <AdminNav />
      <p className="success-text" role="status">
        {announcement}
      </p>
      {created !== null && <SecretReveal title={`Signing secret of ${created.endpoint.url}`} secret={created.secret} onDismiss={() => setCreated(null)} />}
      <section className="panel" aria-labelledby="endpoints-title">
        <h2 id="endpoints-title">Endpoints</h2>
        <ResourceView resource={resource} endpoint="GET /api/webhooks" what="webhook endpoints" onRetry={reload}>
          {(endpoints) => <EndpointsTable endpoints={endpoints} onDeleted={(endpoint) => onChanged(`Endpoint ${endpoint.url} deleted.`)} />}
        </ResourceView>
      </section>
      {resource.status !== 'unavailable' && (
        <>
          <section className="panel" aria-labelledby="new-endpoint-title">
            <h2 id="new-endpoint-title">New endpoint</h2>
            <WebhookForm
              onCreated={(result) => {
                setCreated(result);
                reload();
              }}
            />
          </section>
          <section className="panel" aria-labelledby="deliveries-title">
            <h2 id="deliveries-title">Delivery log</h2>
            <WebhookDeliveries endpoints={resource.data ?? []} pollMs={deliveriesPollMs} />
          </section>
        </>
      )}
    </div>
  );
}

function EndpointsTable({ endpoints, onDeleted }: { endpoints: WebhookEndpoint[]; onDeleted: (endpoint: WebhookEndpoint) => void }): ReactNode {
  if (endpoints.length === 0) return <p className="muted">No endpoints yet.</p>;
  return (
    <div className="table-scroll">
      <table aria-label="Webhook endpoints">
        <thead>
          <tr>
            <th scope="col">URL</th>
            <th scope="col">Events</th>
            <th scope="col">Active</th>
            <th scope="col">Created</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {endpoints.map((endpoint) => (
            <tr key={endpoint.id} data-endpoint-id={endpoint.id}>
              <th scope="row" className="break">
                {endpoint.url}
                {endpoint.description !== null && endpoint.description !== '' && <div className="muted small">{endpoint.description}</div>}
              </th>
              <td>{endpoint.events.join(', ')}</td>
              <td>{endpoint.active ? 'yes' : 'no'}</td>
              <td>{formatDateTime(endpoint.createdAt)}</td>
              <td>
                <ConfirmButton
                  label="Delete"
                  accessibleLabel={`Delete endpoint ${endpoint.url}`}
                  question={`Delete the endpoint ${endpoint.url}? It receives no more events.`}
                  confirmLabel="Delete endpoint"
                  onConfirm={async () => {
                    await webhooksApi.deleteEndpoint(endpoint.id);
                    onDeleted(endpoint);
                  }}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
