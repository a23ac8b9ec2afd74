/**
 * A destructive action that asks first: the button opens an inline confirmation (an `alertdialog`) with the
 * consequence spelled out; Confirm runs the action, Cancel or Escape returns focus to the button.
 */
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';

export interface ConfirmButtonProps {
  /** The button's visible text ("Delete", "Revoke"). */
  label: string;
  /** The accessible name when the visible text is ambiguous in a table ("Delete Help center"). */
  accessibleLabel?: string;
  /** What will happen, asked as a question. */
  question: string;
  confirmLabel?: string;
  onConfirm: () => Promise<void> | void;
}

export function ConfirmButton({ label, accessibleLabel, question, confirmLabel = label, onConfirm }: ConfirmButtonProps): ReactNode {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const buttonRef = useRef<HTMLButtonElement | null>(null);
  const confirmRef = useRef<HTMLButtonElement | null>(null);
  const id = useId();

  useEffect(() => {
    if (asking) confirmRef.current?.focus();
  }, [asking]);

  const cancel = (): void => {
    setAsking(false);
    setError(null);
    // After the confirmation closes the button is back in the tree.
    setTimeout(() => buttonRef.current?.focus(), 0);
  };
  const confirm = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      await onConfirm();
      setAsking(false);
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : 'The action failed');
    } finally {
      setBusy(false);
    }
  };

  if (!asking) {
    return (
      <button ref={buttonRef} type="button" className="danger" aria-label={accessibleLabel} onClick={() => setAsking(true)}>
        {label}
      </button>
    );
  }
  return (
    <div
      className="confirm"
      role="alertdialog"
      aria-labelledby={`${id}-question`}
      onKeyDown={(event) => {
        if (event.key === 'Escape') cancel();
      }}
    >
      <p id={`${id}-question`}>{question}</p>
      <div className="actions">
        <button ref={confirmRef} type="button" className="danger-solid" disabled={busy} onClick={() => void confirm()}>
          {confirmLabel}
        </button>
        <button type="button" onClick={cancel}>
          Cancel
        </button>
      </div>
      {error !== null && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
