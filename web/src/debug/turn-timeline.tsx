/** The turn's timeline: each row a bar on one shared time axis; children of a stage are indented. */
import type { ReactNode } from 'react';
import { formatMs, type TimelineLayout } from './timeline-layout';

export function TurnTimeline({ layout }: { layout: TimelineLayout }): ReactNode {
  const percent = (ms: number): string => `${((ms / layout.totalMs) * 100).toFixed(2)}%`;
  return (
    <section className="panel timeline" aria-labelledby="timeline-title">
      <h2 id="timeline-title">Timeline</h2>
      <p className="muted">Total {formatMs(layout.totalMs)}. Bars that overlap ran in parallel.</p>
      <ol className="timeline-rows">
        {layout.rows.map((row) => (
          <li
            key={row.id}
            className={`timeline-row timeline-${row.kind}${row.parent === null ? '' : ' timeline-child'}`}
            data-row={row.id}
            data-parent={row.parent ?? ''}
            data-offset={row.offsetMs}
            data-duration={row.durationMs}
          >
            <span className="timeline-label">
              {row.label}
              {row.status !== 'ok' && <span className={`status status-${row.status}`}> {row.status}</span>}
            </span>
            <span className="timeline-track" aria-hidden="true">
              <span className="timeline-bar" style={{ left: percent(row.offsetMs), width: `max(2px, ${percent(row.durationMs)})` }} />
            </span>
            <span className="timeline-duration">
              {formatMs(row.durationMs)} <span className="visually-hidden">starting at {formatMs(row.offsetMs)}</span>
            </span>
          </li>
        ))}
      </ol>
    </section>
  );
}
