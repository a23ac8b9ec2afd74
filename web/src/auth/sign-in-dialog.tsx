/**
 * The modal that asks for a credential after a 401: a bearer token (JWT) or an API key, pasted, kept in
 * sessionStorage only. Escape or Cancel closes it; focus returns to where it was.
 */
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { useAuth } from './auth-context';

export function SignInDialog(): ReactNode {
  const { dialogOpen } = useAuth();
  return dialogOpen ? <SignInForm /> : null;
}

function SignInForm(): ReactNode {
  const { signIn, closeSignIn, state } = useAuth();
  const [credential, setCredentialText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const id = useId();
  const inputRef = useRef<HTMLInputElement | null>(null);

  useEffect(() => {
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    inputRef.current?.focus();
    return () => previous?.focus();
  }, []);

  const submit = async (): Promise<void> => {
    if (credential.trim() === '') {
      setError('Paste a bearer token or an API key.');
      return;
    }
    setBusy(true);
    const problem = await signIn(credential);
    setBusy(false);
    setError(problem);
  };

  return (
    <div className="modal-backdrop">
      <div
        className="modal"
        role="dialog"
        aria-modal="true"
        aria-labelledby={`${id}-title`}
        aria-describedby={`${id}-help`}
        onKeyDown={(event) => {
          if (event.key === 'Escape') closeSignIn();
        }}
      >
        <h2 id={`${id}-title`}>Sign in</h2>
        <p id={`${id}-help`}>
          {state.status === 'signed-in' ? 'The server refused a request with your current credential. ' : 'This server needs a credential. '}
          Paste a bearer token (JWT) or an API key (<code>ack_…</code>). It is kept in this tab only and sent with every request.
        </p>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void submit();
          }}
        >
          <div className="field">
            <label htmlFor={`${id}-credential`}>Bearer token or API key</label>
            <input
              ref={inputRef}
              id={`${id}-credential`}
              type="password"
              autoComplete="off"
              spellCheck={false}
              value={credential}
              onChange={(event) => setCredentialText(event.target.value)}
            />
          </div>
          {error !== null && (
            <p className="error-text" role="alert">
              {error}
            </p>
          )}
          <div className="actions">
            <button type="submit" className="primary" disabled={busy}>
              Sign in
            </button>
            <button type="button" onClick={closeSignIn}>
              Cancel
            </button>
          </div>
        </form>
      </div>
    </div>
  );
}
