/** The "new webhook endpoint" form: URL (http or https), events (at least one), description. */
import { useId, useState, type ReactNode } from 'react';
import { webhooksApi } from '../api/admin-client';
import { WEBHOOK_EVENTS, type CreateWebhookInput, type WebhookCreated, type WebhookEventType } from '../api/auth-types';
import { CheckboxGroup } from '../components/checkbox-group';
import { messageOf } from '../components/format';

/** The request body, or what is wrong with the fields. */
export function webhookInputOf(url: string, events: WebhookEventType[], description: string): { ok: true; value: CreateWebhookInput } | { ok: false; error: string } {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return { ok: false, error: 'Enter the full URL of the receiver, e.g. https://example.com/hooks.' };
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return { ok: false, error: 'The URL must start with https:// or http://.' };
  if (events.length === 0) return { ok: false, error: 'Choose at least one event.' };
  return { ok: true, value: { url: parsed.toString(), events, ...(description.trim() === '' ? {} : { description: description.trim() }) } };
}

export function WebhookForm({ onCreated }: { onCreated: (result: WebhookCreated) => void }): ReactNode {
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<WebhookEventType[]>([...WEBHOOK_EVENTS]);
  const [description, setDescription] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const id = useId();
  const submit = async (): Promise<void> => {
    const input = webhookInputOf(url, events, description);
    if (!input.ok) {
      setError(input.error);
      return;
    }
    setError(null);
    setBusy(true);
    try {
      onCreated(await webhooksApi.createEndpoint(input.value));
      setUrl('');
      setDescription('');
    } catch (caught) {
      setError(messageOf(caught));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      aria-label="New webhook endpoint"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <div className="form-grid">
        <div className="field">
          <label htmlFor={`${id}-url`}>Receiver URL</label>
          <input id={`${id}-url`} type="url" inputMode="url" placeholder="https://example.com/agentcraft-hooks" value={url} onChange={(event) => setUrl(event.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-description`}>Description (optional)</label>
          <input id={`${id}-description`} value={description} onChange={(event) => setDescription(event.target.value)} />
        </div>
      </div>
      <CheckboxGroup legend="Events" idPrefix={`${id}-event`} options={WEBHOOK_EVENTS} selected={events} onChange={setEvents} />
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          Add endpoint
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
