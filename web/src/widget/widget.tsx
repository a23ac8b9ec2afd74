/** The floating chat: a launcher button and a panel with one conversation (kept across page loads). */
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { ChatView } from '../chat/chat-view';
import { useConversation } from '../chat/use-conversation';
import type { WidgetOptions } from './widget-options';

export function Widget({ options }: { options: WidgetOptions }): ReactNode {
  // One remembered conversation per API and customer (when the page names one); a remembered conversation that
  // is not this visitor's (another customer signed in on this browser) is replaced by a new one on send.
  const storageKey = `agentcraft.widget.${options.apiBase}${options.customerId === undefined ? '' : `.${options.customerId}`}`;
  const [open, setOpen] = useState(options.openOnLoad);
  const [conversationId, setConversationId] = useState<string | null>(() => safeRead(storageKey));
  const launcherRef = useRef<HTMLButtonElement | null>(null);
  const panelRef = useRef<HTMLDivElement | null>(null);
  const onCreated = useCallback(
    (id: string) => {
      setConversationId(id);
      safeWrite(storageKey, id);
    },
    [storageKey],
  );
  const conversation = useConversation(open || conversationId !== null ? conversationId : null, {
    onCreated,
    startOverWhenGone: true,
    ...(options.customerId === undefined ? {} : { customerId: options.customerId }),
  });
  useEffect(() => {
    if (open) panelRef.current?.querySelector('textarea')?.focus();
  }, [open]);
  const close = (): void => {
    setOpen(false);
    launcherRef.current?.focus();
  };
  return (
    <div className={`widget widget-${options.position}`}>
      {open && (
        <div
          ref={panelRef}
          className="widget-panel"
          role="dialog"
          aria-label={options.title}
          onKeyDown={(event) => {
            if (event.key === 'Escape') close();
          }}
        >
          <header className="widget-header">
            <strong>{options.title}</strong>
            <span className="widget-header-actions">
              <button
                type="button"
                className="widget-new"
                onClick={() => {
                  setConversationId(null);
                  safeWrite(storageKey, null);
                }}
              >
                New chat
              </button>
              <button type="button" aria-label="Close chat" onClick={close}>
                ×
              </button>
            </span>
          </header>
          {conversationId === null && conversation.state.messages.length === 0 && <p className="widget-greeting">{options.greeting}</p>}
          <ChatView conversation={conversation} compact />
        </div>
      )}
      <button ref={launcherRef} type="button" className="widget-launcher" aria-expanded={open} aria-label={open ? `Close ${options.title}` : `Open ${options.title}`} onClick={() => (open ? close() : setOpen(true))}>
        {open ? '×' : '💬'}
      </button>
    </div>
  );
}

function safeRead(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null;
  }
}

function safeWrite(key: string, value: string | null): void {
  try {
    if (value === null) window.localStorage.removeItem(key);
    else window.localStorage.setItem(key, value);
  } catch {
    // Storage blocked: the conversation lasts as long as the page.
  }
}
