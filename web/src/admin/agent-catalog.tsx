/** The agent catalog (`GET /api/agents`), each agent editable (`PUT /api/agents/:id`, a new version). */
import { useId, useState, type ReactNode } from 'react';
import { api } from '../api/client';
import { ApiError } from '../api/http';
import type { AgentDefinition } from '../api/upcoming-types';

export function AgentCatalog({ agents, onSaved }: { agents: AgentDefinition[]; onSaved: () => void }): ReactNode {
  const [editing, setEditing] = useState<string | null>(null);
  if (agents.length === 0) return <p className="muted">The catalog is empty.</p>;
  return (
    <div className="table-scroll">
      <table>
        <thead>
          <tr>
            <th scope="col">Agent</th>
            <th scope="col">Team</th>
            <th scope="col">Version</th>
            <th scope="col">Enabled</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {agents.map((agent) =>
            editing === agent.id ? (
              <tr key={agent.id}>
                <td colSpan={5}>
                  <AgentEditor
                    agent={agent}
                    onDone={(saved) => {
                      setEditing(null);
                      if (saved) onSaved();
                    }}
                  />
                </td>
              </tr>
            ) : (
              <tr key={agent.id}>
                <td>
                  <strong>{agent.name}</strong>
                  <div className="muted">{agent.description}</div>
                </td>
                <td>{agent.team ?? '—'}</td>
                <td>{agent.version ?? '—'}</td>
                <td>{agent.enabled === false ? 'no' : 'yes'}</td>
                <td>
                  <button type="button" onClick={() => setEditing(agent.id)} aria-label={`Edit ${agent.name}`}>
                    Edit
                  </button>
                </td>
              </tr>
            ),
          )}
        </tbody>
      </table>
    </div>
  );
}

function AgentEditor({ agent, onDone }: { agent: AgentDefinition; onDone: (saved: boolean) => void }): ReactNode {
  const [description, setDescription] = useState(agent.description ?? '');
  const [expertise, setExpertise] = useState((agent.expertise ?? []).join(', '));
  const [enabled, setEnabled] = useState(agent.enabled !== false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const id = useId();
  const save = async (): Promise<void> => {
    setBusy(true);
    try {
      const expertiseList = expertise.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
      await api.updateAgent({ ...agent, description, expertise: expertiseList, enabled });
      onDone(true);
    } catch (caught) {
      setError(caught instanceof ApiError && caught.notAvailable ? 'Not available yet: the server does not accept PUT /api/agents/:id.' : caught instanceof Error ? caught.message : 'Save failed');
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      className="agent-editor"
      aria-label={`Edit ${agent.name}`}
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
    >
      <div className="field">
        <label htmlFor={`${id}-description`}>Description</label>
        <textarea id={`${id}-description`} rows={3} value={description} onChange={(event) => setDescription(event.target.value)} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-expertise`}>Expertise (comma-separated)</label>
        <input id={`${id}-expertise`} value={expertise} onChange={(event) => setExpertise(event.target.value)} />
      </div>
      <div className="field inline">
        <input id={`${id}-enabled`} type="checkbox" checked={enabled} onChange={(event) => setEnabled(event.target.checked)} />
        <label htmlFor={`${id}-enabled`}>Enabled</label>
      </div>
      <p className="muted">Saving creates version {(agent.version ?? 0) + 1}; turns already running keep their version.</p>
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          Save
        </button>
        <button type="button" onClick={() => onDone(false)}>
          Cancel
        </button>
      </div>
      {error !== null && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
