/**
 * A secret the server shows exactly once (an API key, a webhook signing secret): the value, a Copy button,
 * and a warning that it cannot be shown again. Dismissing it forgets the value.
 */
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';

export interface SecretRevealProps {
  title: string;
  secret: string;
  onDismiss: () => void;
}

export function SecretReveal({ title, secret, onDismiss }: SecretRevealProps): ReactNode {
  const [copied, setCopied] = useState<'idle' | 'copied' | 'failed'>('idle');
  const id = useId();
  const headingRef = useRef<HTMLHeadingElement | null>(null);
  useEffect(() => headingRef.current?.focus(), []);

  const copy = async (): Promise<void> => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied('copied');
    } catch {
      setCopied('failed');
    }
  };

  return (
    <section className="secret-reveal" aria-labelledby={`${id}-title`} data-testid="secret-reveal">
      <h3 id={`${id}-title`} ref={headingRef} tabIndex={-1}>
        {title}
      </h3>
      <p className="warning-text" role="alert">
        Copy this secret now: it is shown only once and cannot be retrieved later.
      </p>
      <div className="inline-form">
        <label htmlFor={`${id}-value`} className="visually-hidden">
          Secret
        </label>
        <input id={`${id}-value`} className="secret-value" readOnly value={secret} onFocus={(event) => event.target.select()} />
        <button type="button" className="primary" onClick={() => void copy()}>
          Copy
        </button>
        <button type="button" onClick={onDismiss}>
          I have stored it
        </button>
      </div>
      <p className="muted" role="status">
        {copied === 'copied' ? 'Copied to the clipboard.' : copied === 'failed' ? 'Could not copy: select the text and copy it by hand.' : ''}
      </p>
    </section>
  );
}
