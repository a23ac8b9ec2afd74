/** The "new API key" form: name, roles (default integrator), scopes (none: all its roles allow), optional expiry. */
import { useId, useState, type ReactNode } from 'react';
import { authApi } from '../api/admin-client';
import { API_KEY_SCOPES, ROLES, type ApiKeyCreated, type ApiKeyScope, type CreateApiKeyInput, type Role } from '../api/auth-types';
import { CheckboxGroup } from '../components/checkbox-group';
import { messageOf } from '../components/format';

/** The request body from the form's fields, or a problem to show. */
export function keyInputOf(name: string, roles: Role[], scopes: ApiKeyScope[], expires: string, now = Date.now()): { ok: true; value: CreateApiKeyInput } | { ok: false; error: string } {
  if (name.trim() === '') return { ok: false, error: 'Give the key a name.' };
  if (roles.length === 0) return { ok: false, error: 'Choose at least one role.' };
  const value: CreateApiKeyInput = { name: name.trim(), roles, scopes };
  if (expires !== '') {
    const at = new Date(expires);
    if (Number.isNaN(at.getTime())) return { ok: false, error: 'The expiry is not a valid date.' };
    if (at.getTime() <= now) return { ok: false, error: 'The expiry must be in the future.' };
    value.expiresAt = at.toISOString();
  }
  return { ok: true, value };
}

export function ApiKeyForm({ onCreated }: { onCreated: (result: ApiKeyCreated) => void }): ReactNode {
  const [name, setName] = useState('');
  const [roles, setRoles] = useState<Role[]>(['integrator']);
  const [scopes, setScopes] = useState<ApiKeyScope[]>([]);
  const [expires, setExpires] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const id = useId();

  const submit = async (): Promise<void> => {
    const input = keyInputOf(name, roles, scopes, expires);
    if (!input.ok) {
      setError(input.error);
      return;
    }
    setError(null);
    setBusy(true);
    try {
      onCreated(await authApi.createKey(input.value));
      setName('');
      setScopes([]);
      setExpires('');
    } catch (caught) {
      setError(messageOf(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      aria-label="New API key"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <div className="form-grid">
        <div className="field">
          <label htmlFor={`${id}-name`}>Name</label>
          <input id={`${id}-name`} value={name} onChange={(event) => setName(event.target.value)} placeholder="e.g. CRM backend" />
        </div>
        <div className="field">
          <label htmlFor={`${id}-expires`}>Expires (optional)</label>
          <input id={`${id}-expires`} type="datetime-local" value={expires} onChange={(event) => setExpires(event.target.value)} />
        </div>
      </div>
      <CheckboxGroup legend="Roles" idPrefix={`${id}-role`} options={ROLES} selected={roles} onChange={setRoles} />
      <CheckboxGroup legend="Scopes (none: everything its roles allow)" idPrefix={`${id}-scope`} options={API_KEY_SCOPES} selected={scopes} onChange={setScopes} />
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          Create key
        </button>
      </div>
      {error !== null && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
