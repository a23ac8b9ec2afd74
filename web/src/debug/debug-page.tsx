/**
 * `/debug/:conversationId?/:turnId?`: pick a conversation and a turn, then see its timeline, routing,
 * retrieval, agents, model calls, QA and a link to the run in the Temporal Web UI. Live while it runs.
 */
import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api } from '../api/client';
import { ResourceView } from '../components/resource-view';
import { useResource } from '../components/use-resource';
import { useConversationList } from '../chat/conversation-list-store';
import { temporalWorkflowUrl } from '../config';
import { layoutTimeline } from './timeline-layout';
import { AgentsPanel, LlmCallsPanel, QaPanel, RetrievalPanel, RoutePanel } from './trace-panels';
import { TurnTimeline } from './turn-timeline';
import { useConversationEvents } from './use-conversation-events';

export function DebugPage(): ReactNode {
  const { conversationId = null, turnId = null } = useParams();
  return (
    <div className="page debug-page">
      <header className="page-header">
        <h1>Debug console</h1>
        <ConversationPicker current={conversationId} />
      </header>
      {conversationId === null ? <p className="muted">Choose a conversation to inspect its turns.</p> : <ConversationDebug conversationId={conversationId} turnId={turnId} />}
    </div>
  );
}

function ConversationPicker({ current }: { current: string | null }): ReactNode {
  const navigate = useNavigate();
  const entries = useConversationList();
  const [value, setValue] = useState(current ?? '');
  const inputId = useId();
  const listId = useId();
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    if (value.trim() !== '') void navigate(`/debug/${encodeURIComponent(value.trim())}`);
  };
  return (
    <form className="inline-form" onSubmit={submit}>
      <label htmlFor={inputId}>Conversation id</label>
      <input id={inputId} list={listId} value={value} onChange={(event) => setValue(event.target.value)} spellCheck={false} />
      <datalist id={listId}>
        {entries.map((entry) => (
          <option key={entry.id} value={entry.id}>
            {entry.title}
          </option>
        ))}
      </datalist>
      <button type="submit">Inspect</button>
    </form>
  );
}

function ConversationDebug({ conversationId, turnId }: { conversationId: string; turnId: string | null }): ReactNode {
  const events = useConversationEvents(conversationId);
  const finishedTurns = events.filter((event) => event.type === 'turn-finished' || event.type === 'turn-started').length;
  const { resource, reload } = useResource(() => api.getConversation(conversationId), [conversationId, finishedTurns]);
  return (
    <ResourceView resource={resource} endpoint="GET /api/conversations/:id" what="this conversation" onRetry={reload}>
      {(detail) => {
        const turns = [...detail.turns].sort((a, b) => a.turnNumber - b.turnNumber);
        const selected = turnId ?? turns.at(-1)?.id ?? null;
        return (
          <>
            <p>
              <a href={temporalWorkflowUrl(`conversation-${conversationId}`)} target="_blank" rel="noopener noreferrer">
                Conversation workflow in the Temporal Web UI
              </a>{' '}
              · <Link to={`/c/${conversationId}`}>Open the chat</Link>
            </p>
            <nav aria-label="Turns" className="turn-tabs">
              {turns.map((turn) => (
                <Link key={turn.id} to={`/debug/${conversationId}/${encodeURIComponent(turn.id)}`} aria-current={turn.id === selected ? 'page' : undefined} className="tab">
                  Turn {turn.turnNumber} · {turn.status}
                </Link>
              ))}
            </nav>
            {selected === null ? <p className="muted">This conversation has no turns yet.</p> : <TurnDebug conversationId={conversationId} turnId={selected} events={events} />}
          </>
        );
      }}
    </ResourceView>
  );
}

function TurnDebug({ conversationId, turnId, events }: { conversationId: string; turnId: string; events: ReturnType<typeof useConversationEvents> }): ReactNode {
  const turnEvents = events.filter((event) => event.turnId === turnId);
  const progress = turnEvents.filter((event) => event.type === 'stage-finished' || event.type === 'turn-finished').length;
  const { resource, reload } = useResource(() => api.getTurn(conversationId, turnId), [conversationId, turnId, progress]);
  return (
    <ResourceView resource={resource} endpoint="GET /api/conversations/:id/turns/:turnId" what="this turn" onRetry={reload}>
      {(turn) => (
        <div className="turn-debug" data-testid="turn-debug">
          <p className="turn-summary">
            <strong>Turn {turn.turnNumber}</strong> · {turn.status} · confidence {turn.confidence?.toFixed(2) ?? '—'} · cost ${turn.costUsd.toFixed(4)} ·{' '}
            <a href={temporalWorkflowUrl(turn.workflowId)} target="_blank" rel="noopener noreferrer" data-testid="temporal-link">
              Open this run in the Temporal Web UI
            </a>
          </p>
          <TurnTimeline layout={layoutTimeline(turn, turnEvents)} />
          <div className="panel-grid">
            <RoutePanel turn={turn} />
            <AgentsPanel turn={turn} events={turnEvents} />
            <RetrievalPanel turn={turn} />
            <QaPanel turn={turn} />
          </div>
          <LlmCallsPanel turn={turn} />
        </div>
      )}
    </ResourceView>
  );
}
