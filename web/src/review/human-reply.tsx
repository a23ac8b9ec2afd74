/** After a take-over: the reviewer writes to the customer directly (`POST /api/conversations/:id/messages`). */
import { useId, useState, type ReactNode } from 'react';
import { api } from '../api/client';
import { ApiError } from '../api/http';

export function HumanReply({ conversationId, agent }: { conversationId: string; agent: string }): ReactNode {
  const [message, setMessage] = useState('');
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const id = useId();
  const send = async (): Promise<void> => {
    setBusy(true);
    try {
      await api.sendHumanReply(conversationId, agent, message.trim());
      setMessage('');
      setStatus({ ok: true, text: 'Reply sent.' });
    } catch (error) {
      setStatus({ ok: false, text: error instanceof ApiError && error.notAvailable ? 'Not available yet: the server does not accept human replies.' : error instanceof Error ? error.message : 'The reply could not be sent.' });
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      className="human-reply"
      onSubmit={(event) => {
        event.preventDefault();
        void send();
      }}
    >
      <div className="field">
        <label htmlFor={id}>Reply to the customer</label>
        <textarea id={id} rows={3} value={message} onChange={(event) => setMessage(event.target.value)} />
      </div>
      <button type="submit" className="primary" disabled={busy || message.trim() === ''}>
        Send reply
      </button>
      {status !== null && (
        <p className={status.ok ? 'success-text' : 'error-text'} role={status.ok ? 'status' : 'alert'}>
          {status.text}
        </p>
      )}
    </form>
  );
}
