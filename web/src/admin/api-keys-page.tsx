/**
 * `/admin/keys`: API keys for integrators. Creating or rotating one shows its secret once (with Copy and a
 * warning); the list shows prefix, roles, scopes, last use, expiry and revocation; revoke asks first.
 */
import { useCallback, useState, type ReactNode } from 'react';
import { authApi } from '../api/admin-client';
import type { ApiKeyCreated, ApiKeyView } from '../api/auth-types';
import { ConfirmButton } from '../components/confirm-button';
import { formatDateTime } from '../components/format';
import { ResourceView } from '../components/resource-view';
import { SecretReveal } from '../components/secret-reveal';
import { useResource } from '../components/use-resource';
import { AdminNav } from './admin-nav';
import { ApiKeyForm } from './api-key-form';

/** Default grace period of a rotation: the old key keeps working this long. */
export const ROTATION_GRACE_SECONDS = 24 * 3600;

/** Active, expired or revoked, as of `now`. */
export function keyStateOf(key: ApiKeyView, now = Date.now()): 'active' | 'expired' | 'revoked' {
  if (key.revokedAt !== null) return 'revoked';
  if (key.expiresAt !== null && Date.parse(key.expiresAt) <= now) return 'expired';
  return 'active';
}

export function ApiKeysPage(): ReactNode {
  const { resource, reload } = useResource(() => authApi.listKeys(), []);
  const [created, setCreated] = useState<{ title: string; result: ApiKeyCreated } | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const onCreated = useCallback(
    (title: string, result: ApiKeyCreated) => {
      setCreated({ title, result });
      reload();
    },
    [reload],
  );
  return (
    <div className="page keys-page">
      <header className="page-header">
        <h1>API keys</h1>
      </header>
      <AdminNav />
      <p className="success-text" role="status">
        {announcement}
      </p>
      {created !== null && (
        <SecretReveal title={created.title} secret={created.result.secret} onDismiss={() => setCreated(null)} />
      )}
      {resource.status !== 'unavailable' && (
        <section className="panel" aria-labelledby="new-key-title">
          <h2 id="new-key-title">New key</h2>
          <ApiKeyForm onCreated={(result) => onCreated(`Key “${result.key.name}” created`, result)} />
        </section>
      )}
      <section className="panel" aria-labelledby="keys-title">
        <h2 id="keys-title">Keys</h2>
        <ResourceView resource={resource} endpoint="GET /api/auth/keys" what="API keys" onRetry={reload}>
          {(keys) => (
            <KeysTable
              keys={keys}
              onRotated={(result) => onCreated(`Key “${result.key.name}” rotated: the new secret`, result)}
              onRevoked={(key) => {
                setAnnouncement(`Key “${key.name}” revoked.`);
                reload();
              }}
            />
          )}
        </ResourceView>
      </section>
    </div>
  );
}

function KeysTable({ keys, onRotated, onRevoked }: { keys: ApiKeyView[]; onRotated: (result: ApiKeyCreated) => void; onRevoked: (key: ApiKeyView) => void }): ReactNode {
  if (keys.length === 0) return <p className="muted">No API keys yet.</p>;
  return (
    <div className="table-scroll">
      <table aria-label="API keys">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Prefix</th>
            <th scope="col">Roles and scopes</th>
            <th scope="col">Created</th>
            <th scope="col">Last used</th>
            <th scope="col">Expires</th>
            <th scope="col">State</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {keys.map((key) => (
            <KeyRow key={key.id} apiKey={key} onRotated={onRotated} onRevoked={onRevoked} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function KeyRow({ apiKey, onRotated, onRevoked }: { apiKey: ApiKeyView; onRotated: (result: ApiKeyCreated) => void; onRevoked: (key: ApiKeyView) => void }): ReactNode {
  const state = keyStateOf(apiKey);
  return (
    <tr data-key-id={apiKey.id}>
      <th scope="row">
        {apiKey.name}
        {apiKey.rotatedFromId !== null && <div className="muted small">rotated from {apiKey.rotatedFromId}</div>}
      </th>
      <td>
        <code>{apiKey.prefix}</code>
      </td>
      <td>
        {apiKey.roles.join(', ')}
        {apiKey.scopes.length > 0 && <div className="muted small">{apiKey.scopes.join(', ')}</div>}
      </td>
      <td>{formatDateTime(apiKey.createdAt)}</td>
      <td>{apiKey.lastUsedAt === null ? 'never' : formatDateTime(apiKey.lastUsedAt)}</td>
      <td>{apiKey.expiresAt === null ? 'never' : formatDateTime(apiKey.expiresAt)}</td>
      <td>
        <span className={`status status-key-${state}`}>{state}</span>
        {apiKey.revokedAt !== null && <div className="muted small">{formatDateTime(apiKey.revokedAt)}</div>}
      </td>
      <td>
        {state === 'active' && (
          <div className="row-actions">
            <ConfirmButton
              label="Rotate"
              accessibleLabel={`Rotate ${apiKey.name}`}
              question={`Rotate “${apiKey.name}”? A new secret is issued; the old one keeps working for 24 hours.`}
              confirmLabel="Rotate key"
              onConfirm={async () => {
                onRotated(await authApi.rotateKey(apiKey.id, ROTATION_GRACE_SECONDS));
              }}
            />
            <ConfirmButton
              label="Revoke"
              accessibleLabel={`Revoke ${apiKey.name}`}
              question={`Revoke “${apiKey.name}”? Requests with it fail at once. This cannot be undone.`}
              confirmLabel="Revoke key"
              onConfirm={async () => {
                await authApi.revokeKey(apiKey.id);
                onRevoked(apiKey);
              }}
            />
          </div>
        )}
      </td>
    </tr>
  );
}
