/** One conversation: transcript, live progress, composer. Shared by the chat page and the widget. */
import { useEffect, type ReactNode } from 'react';
import { Composer } from './composer';
import { ConnectionBanner } from './connection-banner';
import { MessageList } from './message-list';
import { preloadMarkdown } from './safe-markdown';
import type { UseConversation } from './use-conversation';

export function ChatView({ conversation, compact = false }: { conversation: UseConversation; compact?: boolean }): ReactNode {
  const { state, send, sending, sendError, loadError } = conversation;
  const closed = state.conversationStatus === 'closed';
  const busy = Object.values(state.turns).some((turn) => !turn.finished);
  // The Markdown renderer is not in the initial JavaScript: fetch it once the chat has painted.
  useEffect(() => {
    void preloadMarkdown();
  }, []);
  return (
    <div className={`chat-view${compact ? ' chat-view-compact' : ''}`}>
      <ConnectionBanner status={state.conversationId === null ? 'live' : state.status} />
      {loadError !== null && (
        <p className="error-text" role="alert">
          {loadError}
        </p>
      )}
      {state.conversationStatus === 'human_takeover' && <p className="info-banner">A member of the support team has joined this conversation.</p>}
      <MessageList messages={state.messages} turns={state.turns} />
      <Composer
        onSend={send}
        sending={sending}
        disabled={closed}
        error={sendError}
        placeholder={closed ? 'This conversation is closed' : busy ? 'You can ask a follow-up…' : 'Ask a question…'}
      />
    </div>
  );
}
