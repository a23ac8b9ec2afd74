/** The message box: Enter sends, Shift+Enter adds a line; the text is kept if sending fails. */
import { useId, useState, type FormEvent, type KeyboardEvent, type ReactNode } from 'react';

export interface ComposerProps {
  onSend: (message: string) => Promise<void>;
  sending: boolean;
  disabled?: boolean;
  error?: string | null;
  placeholder?: string;
}

export const MAX_MESSAGE_CHARS = 16_000;

export function Composer({ onSend, sending, disabled = false, error = null, placeholder = 'Ask a question…' }: ComposerProps): ReactNode {
  const [text, setText] = useState('');
  const inputId = useId();
  const errorId = useId();
  const trimmed = text.trim();
  const canSend = trimmed !== '' && trimmed.length <= MAX_MESSAGE_CHARS && !sending && !disabled;

  const submit = async (): Promise<void> => {
    if (!canSend) return;
    try {
      await onSend(trimmed);
      setText('');
    } catch {
      // The error is shown below the box; the text stays for another try.
    }
  };
  const onSubmit = (event: FormEvent): void => {
    event.preventDefault();
    void submit();
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>): void => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void submit();
    }
  };

  return (
    <form className="composer" onSubmit={onSubmit}>
      <label htmlFor={inputId} className="visually-hidden">
        Your message
      </label>
      <textarea
        id={inputId}
        value={text}
        rows={2}
        maxLength={MAX_MESSAGE_CHARS}
        placeholder={placeholder}
        disabled={disabled}
        aria-describedby={error === null ? undefined : errorId}
        onChange={(event) => setText(event.target.value)}
        onKeyDown={onKeyDown}
      />
      <button type="submit" disabled={!canSend}>
        {sending ? 'Sending…' : 'Send'}
      </button>
      {error !== null && (
        <p id={errorId} className="error-text" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
