/** One message of the transcript: user, assistant (streaming or delivered) or a human support agent. */
import { useState, type ReactNode } from 'react';
import { AgentChips } from './agent-chips';
import { CitationSources } from './citation-sources';
import { ConfidenceMeter } from './confidence-meter';
import type { ChatMessage, TurnProgress } from './conversation-state';
import { SafeMarkdown } from './safe-markdown';

export interface MessageBubbleProps {
  message: ChatMessage;
  progress?: TurnProgress;
}

const STAGE_LABELS: Record<string, string> = {
  route: 'Choosing specialists…',
  retrieve: 'Searching the knowledge base…',
  agents: 'Specialists are drafting…',
  synthesize: 'Writing the answer…',
  qa: 'Checking the answer…',
  review: 'A specialist is reviewing…',
  deliver: 'Delivering…',
};

function authorOf(message: ChatMessage): string {
  if (message.role === 'user') return 'You';
  if (message.role === 'human_agent') return 'Support team';
  return 'Assistant';
}

export function MessageBubble({ message, progress }: MessageBubbleProps): ReactNode {
  const [openCitation, setOpenCitation] = useState<number | null>(null);
  const toggle = (index: number): void => setOpenCitation((current) => (current === index ? null : index));
  const idPrefix = `passage-${message.id.replace(/[^A-Za-z0-9_-]/g, '-')}`;
  const streaming = message.status === 'streaming';
  const delivered = message.status === 'done' && message.role !== 'user';
  return (
    <article className={`message message-${message.role} message-${message.status}`} aria-label={`${authorOf(message)} said`} data-testid={`message-${message.role}`} aria-busy={streaming}>
      <header className="message-author">{authorOf(message)}</header>
      {progress !== undefined && !progress.finished && <AgentChips agents={progress.agents} />}
      {message.status === 'awaiting_review' && (
        <p className="review-banner" role="status">
          <span aria-hidden="true">⏳ </span>A specialist is reviewing this answer{progress?.escalation?.reason ? ` (${progress.escalation.reason})` : ''}.
        </p>
      )}
      {message.role === 'user' ? (
        <p className="message-text">{message.content}</p>
      ) : message.content === '' && streaming ? (
        <p className="message-text muted">{STAGE_LABELS[progress?.stage ?? 'route']}</p>
      ) : (
        <SafeMarkdown
          text={message.content}
          citationIndexes={delivered ? message.citations.map((citation) => citation.index) : []}
          onCitation={toggle}
          openCitation={openCitation}
          idPrefix={idPrefix}
        />
      )}
      {streaming && message.content !== '' && <span className="typing-cursor" aria-hidden="true" />}
      {delivered && <CitationSources citations={message.citations} openIndex={openCitation} onToggle={toggle} idPrefix={idPrefix} />}
      {delivered && message.role === 'assistant' && (
        <footer className="message-meta">
          {message.confidence !== null && <ConfidenceMeter confidence={message.confidence} />}
          {message.reviewedBy !== undefined && <span className="reviewed">Reviewed by {message.reviewedBy}</span>}
          {message.notice !== undefined && <span className="notice">{message.notice}</span>}
        </footer>
      )}
      {message.status === 'failed' && <p className="error-text">This answer could not be completed.</p>}
    </article>
  );
}
