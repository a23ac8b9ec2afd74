/** Which specialists are working on a turn, and which have finished. */
import type { ReactNode } from 'react';
import type { AgentRun } from './conversation-state';

export function AgentChips({ agents }: { agents: AgentRun[] }): ReactNode {
  if (agents.length === 0) return null;
  return (
    <ul className="agent-chips" aria-label="Specialists">
      {agents.map((agent) => (
        <li key={agent.agentId} className={`chip chip-${agent.status}`} data-agent={agent.agentId} data-status={agent.status}>
          <span aria-hidden="true" className="chip-icon">
            {agent.status === 'running' ? '◌' : '✓'}
          </span>
          {agent.name}
          <span className="visually-hidden">{agent.status === 'running' ? ' is working' : ' finished'}</span>
        </li>
      ))}
    </ul>
  );
}
