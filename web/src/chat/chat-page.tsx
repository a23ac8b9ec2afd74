/** `/` and `/c/:conversationId`: the conversation list beside the chat view. */
import { useCallback, useEffect, type ReactNode } from 'react';
import { Link, NavLink, useNavigate, useParams } from 'react-router';
import { ChatView } from './chat-view';
import { rememberConversation } from './conversation-list-store';
import { useConversations } from './use-conversations';
import { useConversation } from './use-conversation';

export function ChatPage(): ReactNode {
  const { conversationId = null } = useParams();
  const navigate = useNavigate();
  const onCreated = useCallback(
    (id: string, firstMessage: string) => {
      rememberConversation(id, firstMessage);
      void navigate(`/c/${id}`);
    },
    [navigate],
  );
  const conversation = useConversation(conversationId, { onCreated });
  const firstUserMessage = conversation.state.messages.find((message) => message.role === 'user')?.content;
  useEffect(() => {
    if (conversationId !== null && firstUserMessage !== undefined) rememberConversation(conversationId, firstUserMessage);
  }, [conversationId, firstUserMessage]);

  return (
    <div className="chat-page">
      <ConversationList activeId={conversationId} />
      <section className="chat-main" aria-label="Chat">
        <header className="chat-header">
          <h1>{conversationId === null ? 'New conversation' : (firstUserMessage ?? 'Conversation')}</h1>
          {conversationId !== null && (
            <Link to={`/debug/${conversationId}`} className="subtle-link">
              Debug this conversation
            </Link>
          )}
        </header>
        <ChatView conversation={conversation} />
      </section>
    </div>
  );
}

function ConversationList({ activeId }: { activeId: string | null }): ReactNode {
  const { entries, origin } = useConversations(activeId);
  return (
    <nav className="conversation-list" aria-label="Conversations" data-origin={origin}>
      <Link to="/" className="button new-conversation">
        + New conversation
      </Link>
      {origin === 'local' && <p className="muted small">Showing the conversations remembered by this browser: the server’s list could not be loaded.</p>}
      {entries.length === 0 ? (
        <p className="muted">No conversations yet.</p>
      ) : (
        <ul>
          {entries.map((entry) => (
            <li key={entry.id}>
              <NavLink to={`/c/${entry.id}`} aria-current={entry.id === activeId ? 'page' : undefined}>
                <span className="conversation-title">{entry.title}</span>
                <time dateTime={entry.updatedAt} className="muted">
                  {new Date(entry.updatedAt).toLocaleString()}
                </time>
              </NavLink>
            </li>
          ))}
        </ul>
      )}
    </nav>
  );
}
