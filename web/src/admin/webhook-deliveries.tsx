/** The webhook delivery log, filterable by endpoint and status, with a Replay button per delivery. */
import { useId, useState, type ReactNode } from 'react';
import { webhooksApi } from '../api/admin-client';
import type { DeliveryStatus, WebhookDelivery, WebhookEndpoint } from '../api/auth-types';
import { formatDateTime, messageOf } from '../components/format';
import { ResourceView } from '../components/resource-view';
import { useResource } from '../components/use-resource';

const STATUSES: DeliveryStatus[] = ['pending', 'delivered', 'failed'];

export function WebhookDeliveries({ endpoints, pollMs }: { endpoints: WebhookEndpoint[]; pollMs: number }): ReactNode {
  const [endpointId, setEndpointId] = useState('');
  const [status, setStatus] = useState<DeliveryStatus | ''>('');
  const [announcement, setAnnouncement] = useState('');
  const id = useId();
  const { resource, reload } = useResource(
    () => webhooksApi.listDeliveries({ limit: 100, ...(endpointId === '' ? {} : { endpointId }), ...(status === '' ? {} : { status }) }),
    [endpointId, status],
    pollMs,
  );
  const urlOf = (deliveryEndpointId: string): string => endpoints.find((endpoint) => endpoint.id === deliveryEndpointId)?.url ?? deliveryEndpointId;
  return (
    <>
      <div className="inline-form filters">
        <label htmlFor={`${id}-endpoint`}>Endpoint</label>
        <select id={`${id}-endpoint`} value={endpointId} onChange={(event) => setEndpointId(event.target.value)}>
          <option value="">All</option>
          {endpoints.map((endpoint) => (
            <option key={endpoint.id} value={endpoint.id}>
              {endpoint.url}
            </option>
          ))}
        </select>
        <label htmlFor={`${id}-status`}>Status</label>
        <select id={`${id}-status`} value={status} onChange={(event) => setStatus(event.target.value as DeliveryStatus | '')}>
          <option value="">All</option>
          {STATUSES.map((value) => (
            <option key={value} value={value}>
              {value}
            </option>
          ))}
        </select>
      </div>
      <p className="success-text" role="status">
        {announcement}
      </p>
      <ResourceView resource={resource} endpoint="GET /api/webhooks/deliveries" what="the delivery log" onRetry={reload}>
        {(deliveries) =>
          deliveries.length === 0 ? (
            <p className="muted">No deliveries.</p>
          ) : (
            <div className="table-scroll">
              <table aria-label="Webhook deliveries">
                <thead>
                  <tr>
                    <th scope="col">Event</th>
                    <th scope="col">Endpoint</th>
                    <th scope="col">Status</th>
                    <th scope="col">Attempts</th>
                    <th scope="col">Last response</th>
                    <th scope="col">Created</th>
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {deliveries.map((delivery) => (
                    <DeliveryRow
                      key={delivery.id}
                      delivery={delivery}
                      endpointUrl={urlOf(delivery.endpointId)}
                      onReplayed={(text) => {
                        setAnnouncement(text);
                        reload();
                      }}
                    />
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </ResourceView>
    </>
  );
}

function DeliveryRow({ delivery, endpointUrl, onReplayed }: { delivery: WebhookDelivery; endpointUrl: string; onReplayed: (text: string) => void }): ReactNode {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const replay = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      const { deliveryId } = await webhooksApi.replayDelivery(delivery.id);
      onReplayed(`Replay of ${delivery.eventType} queued as delivery ${deliveryId}.`);
    } catch (caught) {
      setError(messageOf(caught));
    } finally {
      setBusy(false);
    }
  };
  return (
    <tr data-delivery-id={delivery.id}>
      <th scope="row">
        {delivery.eventType}
        <div className="muted small">{delivery.eventId}</div>
      </th>
      <td className="break">{endpointUrl}</td>
      <td>
        <span className={`status status-delivery-${delivery.status}`}>{delivery.status}</span>
        {delivery.deliveredAt !== null && <div className="muted small">{formatDateTime(delivery.deliveredAt)}</div>}
      </td>
      <td>{delivery.attempts}</td>
      <td>
        {delivery.lastStatusCode ?? '—'}
        {delivery.lastError !== null && <div className="error-text small">{delivery.lastError}</div>}
      </td>
      <td>{formatDateTime(delivery.createdAt)}</td>
      <td>
        <button type="button" aria-label={`Replay ${delivery.eventType} delivery ${delivery.id}`} disabled={busy} onClick={() => void replay()}>
          Replay
        </button>
        {error !== null && (
          <p className="error-text small" role="alert">
            {error}
          </p>
        )}
      </td>
    </tr>
  );
}
