/** The panels of a turn's trace: routing, retrieval, agents, model calls, QA. */
import type { ReactNode } from 'react';
import type { ConversationEvent, Passage, TurnRecord } from '../api/types';
import { isSafeUrl } from '../chat/citation-sources';
import { formatMs } from './timeline-layout';

export function RoutePanel({ turn }: { turn: TurnRecord }): ReactNode {
  const route = turn.route;
  return (
    <section className="panel" aria-labelledby="route-title">
      <h2 id="route-title">Routing decision</h2>
      {route === null ? (
        <p className="muted">No routing decision recorded.</p>
      ) : (
        <>
          <dl className="facts">
            <dt>Intent</dt>
            <dd>{route.intent}</dd>
            <dt>Complexity</dt>
            <dd>{route.complexity}</dd>
            <dt>Language</dt>
            <dd>{route.language}</dd>
            <dt>Confidence</dt>
            <dd>{route.confidence.toFixed(2)}</dd>
            <dt>Asked for a person</dt>
            <dd>{route.wantsHuman ? 'yes' : 'no'}</dd>
          </dl>
          <table>
            <caption className="visually-hidden">Chosen agents</caption>
            <thead>
              <tr>
                <th scope="col">Agent</th>
                <th scope="col">Score</th>
                <th scope="col">Reason</th>
              </tr>
            </thead>
            <tbody>
              {route.agents.map((agent) => (
                <tr key={agent.agentId}>
                  <td>{agent.agentId}</td>
                  <td>{agent.score.toFixed(2)}</td>
                  <td>{agent.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

export function RetrievalPanel({ turn }: { turn: TurnRecord }): ReactNode {
  const bySource = new Map<string, Passage[]>();
  for (const hit of turn.retrievalHits) bySource.set(hit.source, [...(bySource.get(hit.source) ?? []), hit]);
  return (
    <section className="panel" aria-labelledby="retrieval-title">
      <h2 id="retrieval-title">Retrieval</h2>
      {turn.retrieval.map((source) => (
        <div key={source.source} className="source-group">
          <h3>
            {source.source} <span className={`status status-${source.status}`}>{source.status}</span>{' '}
            <span className="muted">
              {source.hits} hits · {formatMs(source.durationMs)}
              {source.detail ? ` · ${source.detail}` : ''}
            </span>
          </h3>
          {(bySource.get(source.source) ?? []).length > 0 && (
            <ol className="hits">
              {(bySource.get(source.source) ?? []).map((hit) => (
                <li key={hit.id}>
                  <span className="score">{hit.score.toFixed(3)}</span>{' '}
                  {isSafeUrl(hit.url) ? (
                    <a href={hit.url} target="_blank" rel="noopener noreferrer nofollow">
                      {hit.title}
                    </a>
                  ) : (
                    hit.title
                  )}
                  {hit.untrusted && <span className="status status-warn"> untrusted</span>}
                  <details>
                    <summary>Passage</summary>
                    <blockquote>{hit.text}</blockquote>
                  </details>
                </li>
              ))}
            </ol>
          )}
        </div>
      ))}
    </section>
  );
}

export function AgentsPanel({ turn, events }: { turn: TurnRecord; events: ConversationEvent[] }): ReactNode {
  return (
    <section className="panel" aria-labelledby="agents-title">
      <h2 id="agents-title">Agents&apos; findings</h2>
      {turn.agents.length === 0 && <p className="muted">No specialist worked on this turn.</p>}
      <ul className="agent-findings">
        {turn.agents.map((agentId) => {
          const finished = events.find((event) => event.turnId === turn.id && event.type === 'agent-finished' && event.payload.agentId === agentId);
          const call = turn.llmCalls.find((entry) => entry.agentId === agentId);
          return (
            <li key={agentId}>
              <strong>{agentId}</strong>
              {finished !== undefined && (
                <span>
                  {' '}
                  · {String(finished.payload.claims)} claims · confidence {Number(finished.payload.confidence).toFixed(2)}
                </span>
              )}
              {call !== undefined && (
                <span className="muted">
                  {' '}
                  · {call.provider}/{call.modelId} · {formatMs(call.latencyMs)}
                </span>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

export function LlmCallsPanel({ turn }: { turn: TurnRecord }): ReactNode {
  return (
    <section className="panel" aria-labelledby="llm-title">
      <h2 id="llm-title">Model calls</h2>
      <div className="table-scroll">
        <table>
          <thead>
            <tr>
              <th scope="col">Purpose</th>
              <th scope="col">Model</th>
              <th scope="col">Tokens in/out</th>
              <th scope="col">Cost</th>
              <th scope="col">Latency</th>
              <th scope="col">Attempt</th>
              <th scope="col">Fallbacks</th>
            </tr>
          </thead>
          <tbody>
            {turn.llmCalls.map((call, index) => (
              <tr key={`${call.purpose}-${call.agentId ?? ''}-${index}`}>
                <td>
                  {call.purpose}
                  {call.agentId ? ` (${call.agentId})` : ''}
                </td>
                <td>
                  {call.provider}/{call.modelId}
                </td>
                <td>
                  {call.usage.inputTokens} / {call.usage.outputTokens}
                </td>
                <td>${call.costUsd.toFixed(4)}</td>
                <td>{formatMs(call.latencyMs)}</td>
                <td>{call.attempt}</td>
                <td>
                  {(call.attempts ?? [])
                    .filter((attempt) => attempt.outcome !== 'ok')
                    .map((attempt) => `${attempt.provider}/${attempt.modelId}: ${attempt.outcome} (${attempt.reason})`)
                    .join('; ') || '—'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

export function QaPanel({ turn }: { turn: TurnRecord }): ReactNode {
  return (
    <section className="panel" aria-labelledby="qa-title">
      <h2 id="qa-title">Quality checks</h2>
      <ul className="qa-list">
        {turn.qa.map((check) => (
          <li key={check.check}>
            <span className={`status status-${check.verdict}`}>{check.verdict}</span> <strong>{check.check}</strong>: {check.detail}
          </li>
        ))}
      </ul>
      {turn.escalated && <p>Escalated for human review ({turn.escalationId}).</p>}
    </section>
  );
}
