/**
 * `/review`: pending escalations, refreshed every few seconds so a new escalation appears and one that
 * another reviewer decided disappears. Until `GET /api/escalations` exists, says so.
 */
import { useCallback, useId, useState, type ReactNode } from 'react';
import { api } from '../api/client';
import { ResourceView } from '../components/resource-view';
import { useResource } from '../components/use-resource';
import { EscalationCard } from './escalation-card';
import { useReviewer, type Reviewer } from './reviewer-name';

export const REVIEW_POLL_MS = 4000;

export function ReviewQueuePage({ pollMs = REVIEW_POLL_MS }: { pollMs?: number }): ReactNode {
  const reviewer = useReviewer();
  const { resource, reload, updatedAt } = useResource(() => api.listEscalations('pending'), [], pollMs);
  const [announcement, setAnnouncement] = useState('');
  const onDecided = useCallback(
    (text: string) => {
      setAnnouncement(text);
      reload();
    },
    [reload],
  );
  return (
    <div className="page review-page">
      <header className="page-header">
        <h1>Reviewer queue</h1>
        <ReviewerField reviewer={reviewer} />
      </header>
      <p className="success-text" role="status" data-testid="review-announcement">
        {announcement}
      </p>
      <ResourceView resource={resource} endpoint="GET /api/escalations?status=pending" what="the escalation queue" onRetry={reload}>
        {(escalations) => (
          <>
            <p className="muted" role="status" aria-live="polite">
              {escalations.length === 0 ? 'No escalations are waiting.' : `${escalations.length} waiting for review.`}
              {updatedAt !== null && ` Updated ${updatedAt.toLocaleTimeString()}.`}
            </p>
            <ul className="escalation-list">
              {escalations.map((escalation) => (
                <li key={escalation.id}>
                  <EscalationCard escalation={escalation} reviewer={reviewer.name} onDecided={onDecided} />
                </li>
              ))}
            </ul>
          </>
        )}
      </ResourceView>
    </div>
  );
}

/** Who decides: the signed-in principal (read-only), or a name field (development mode, no authentication). */
function ReviewerField({ reviewer }: { reviewer: Reviewer }): ReactNode {
  const nameId = useId();
  if (reviewer.fromPrincipal) {
    return (
      <p className="muted" data-testid="reviewer-identity">
        Deciding as <strong>{reviewer.name}</strong>
      </p>
    );
  }
  return (
    <div className="field inline">
      <label htmlFor={nameId}>Your name</label>
      <input id={nameId} value={reviewer.name} onChange={(event) => reviewer.setName(event.target.value)} autoComplete="name" placeholder="e.g. Ana" />
    </div>
  );
}
