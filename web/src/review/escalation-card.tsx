/** One escalation: why, the evidence, the drafted answer, and the reviewer's actions. */
import { useId, useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { api } from '../api/client';
import { ApiError } from '../api/http';
import type { Escalation, ReviewAction, ReviewDecisionInput } from '../api/upcoming-types';
import { SafeMarkdown } from '../chat/safe-markdown';
import { EvidenceList } from './evidence-list';
import { HumanReply } from './human-reply';

export interface EscalationCardProps {
  escalation: Escalation;
  reviewer: string;
  /** Called once a decision is in (or another reviewer's was): the queue refreshes and says so. */
  onDecided: (announcement: string) => void;
}

type Mode = 'idle' | 'edit' | 'reject' | 'reassign';
type Outcome = { kind: 'ok' | 'conflict' | 'unavailable' | 'error'; text: string } | null;

export function EscalationCard({ escalation, reviewer, onDecided }: EscalationCardProps): ReactNode {
  const [mode, setMode] = useState<Mode>('idle');
  const [answer, setAnswer] = useState(escalation.draftAnswer ?? '');
  const [note, setNote] = useState('');
  const [assignee, setAssignee] = useState('');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [tookOver, setTookOver] = useState(false);
  const headingId = useId();
  const fieldId = useId();
  const signed = reviewer.trim() !== '';
  const disabled = busy || !signed || outcome?.kind === 'ok' || outcome?.kind === 'conflict';

  const decide = async (action: ReviewAction): Promise<void> => {
    const decision: ReviewDecisionInput = { action, reviewer: reviewer.trim() };
    if (action === 'edit') decision.answer = answer;
    if (note.trim() !== '') decision.note = note.trim();
    if (action === 'reassign') decision.assignee = assignee.trim();
    setBusy(true);
    try {
      await api.decideEscalation(escalation.id, decision);
      setOutcome({ kind: 'ok', text: `Decision sent: ${action}.` });
      setMode('idle');
      onDecided(`Decision sent: ${action} (${escalation.reason || escalation.id}).`);
    } catch (error) {
      setOutcome(outcomeOf(error, 'POST /api/escalations/:id/decision'));
      if (error instanceof ApiError && error.status === 409) onDecided(`Another reviewer already decided “${escalation.reason || escalation.id}”.`);
    } finally {
      setBusy(false);
    }
  };

  const takeOver = async (): Promise<void> => {
    setBusy(true);
    try {
      await api.takeOver(escalation.conversationId, reviewer.trim());
      setOutcome({ kind: 'ok', text: 'You took over the conversation.' });
      setTookOver(true);
    } catch (error) {
      setOutcome(outcomeOf(error, 'POST /api/conversations/:id/takeover'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <article className="card escalation" aria-labelledby={headingId} data-escalation={escalation.id}>
      <header className="card-header">
        <h2 id={headingId}>{escalation.reason || 'Escalated answer'}</h2>
        <span className="muted">
          <time dateTime={escalation.createdAt}>{new Date(escalation.createdAt).toLocaleString()}</time>
          {escalation.team ? ` · ${escalation.team}` : ''}
        </span>
      </header>
      {escalation.question ? <p className="question">Question: {escalation.question}</p> : null}
      <h3>Drafted answer</h3>
      <div className="draft">
        <SafeMarkdown text={escalation.draftAnswer ?? ''} />
      </div>
      <EvidenceList escalation={escalation} />
      <p className="links">
        <Link to={`/debug/${escalation.conversationId}/${encodeURIComponent(escalation.turnId)}`}>Open this turn in the debug console</Link>
      </p>
      {mode === 'edit' && (
        <div className="field">
          <label htmlFor={fieldId}>Answer to send</label>
          <textarea id={fieldId} rows={6} value={answer} onChange={(event) => setAnswer(event.target.value)} />
        </div>
      )}
      {mode === 'reject' && (
        <div className="field">
          <label htmlFor={fieldId}>Why (optional)</label>
          <input id={fieldId} value={note} onChange={(event) => setNote(event.target.value)} />
        </div>
      )}
      {mode === 'reassign' && (
        <div className="field">
          <label htmlFor={fieldId}>Reassign to</label>
          <input id={fieldId} value={assignee} onChange={(event) => setAssignee(event.target.value)} />
        </div>
      )}
      <div className="actions" role="group" aria-label="Decision">
        {mode === 'idle' ? (
          <>
            <button type="button" className="primary" disabled={disabled} onClick={() => void decide('approve')}>
              Approve
            </button>
            <button type="button" disabled={disabled} onClick={() => setMode('edit')}>
              Edit
            </button>
            <button type="button" disabled={disabled} onClick={() => setMode('reject')}>
              Reject
            </button>
            <button type="button" disabled={disabled} onClick={() => setMode('reassign')}>
              Reassign
            </button>
            <button type="button" disabled={disabled} onClick={() => void takeOver()}>
              Take over
            </button>
          </>
        ) : (
          <>
            <button
              type="button"
              className="primary"
              disabled={disabled || (mode === 'edit' && answer.trim() === '') || (mode === 'reassign' && assignee.trim() === '')}
              onClick={() => void decide(mode === 'edit' ? 'edit' : mode === 'reject' ? 'reject' : 'reassign')}
            >
              {mode === 'edit' ? 'Send edited answer' : mode === 'reject' ? 'Confirm reject' : 'Confirm reassign'}
            </button>
            <button type="button" disabled={busy} onClick={() => setMode('idle')}>
              Cancel
            </button>
          </>
        )}
      </div>
      {!signed && <p className="muted">Enter your name above to decide.</p>}
      {tookOver && <HumanReply conversationId={escalation.conversationId} agent={reviewer.trim()} />}
      {outcome !== null && (
        <p className={outcome.kind === 'ok' ? 'success-text' : 'error-text'} role={outcome.kind === 'ok' ? 'status' : 'alert'}>
          {outcome.text}
        </p>
      )}
    </article>
  );
}

function outcomeOf(error: unknown, endpoint: string): NonNullable<Outcome> {
  if (error instanceof ApiError && error.status === 409) return { kind: 'conflict', text: 'Another reviewer already decided this escalation.' };
  if (error instanceof ApiError && error.notAvailable) return { kind: 'unavailable', text: `Not available yet: the server does not serve ${endpoint}.` };
  return { kind: 'error', text: error instanceof Error ? error.message : 'The decision could not be sent.' };
}
