/** The transcript as a live log: screen readers hear new messages, not every streamed token. */
import { useEffect, useRef, type ReactNode } from 'react';
import type { ChatMessage, TurnProgress } from './conversation-state';
import { MessageBubble } from './message-bubble';

export interface MessageListProps {
  messages: ChatMessage[];
  turns: Record<string, TurnProgress>;
  emptyText?: string;
}

export function MessageList({ messages, turns, emptyText = 'Ask a question to start.' }: MessageListProps): ReactNode {
  const endRef = useRef<HTMLDivElement | null>(null);
  const last = messages.at(-1);
  useEffect(() => {
    endRef.current?.scrollIntoView?.({ block: 'end' });
  }, [messages.length, last?.content.length, last?.status]);
  return (
    <div className="message-list" role="log" aria-live="polite" aria-relevant="additions text" aria-label="Conversation">
      {messages.length === 0 && <p className="muted empty">{emptyText}</p>}
      {messages.map((message) => (
        <MessageBubble key={message.id} message={message} {...(message.role === 'assistant' && turns[message.turnId] !== undefined ? { progress: turns[message.turnId] } : {})} />
      ))}
      <div ref={endRef} />
    </div>
  );
}
