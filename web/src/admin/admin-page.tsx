/**
 * `/admin`: analytics charts, the agent catalog, knowledge sources and the model catalog with provider
 * health. Each section loads on its own and says "not available yet" until its endpoint lands.
 */
import { useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { api } from '../api/client';
import { knowledgeApi } from '../api/knowledge-client';
import { Area } from '../auth/access';
import { useAuth } from '../auth/auth-context';
import { ResourceView } from '../components/resource-view';
import { useResource } from '../components/use-resource';
import { AdminNav } from './admin-nav';
import { AgentCatalog } from './agent-catalog';
import { AgentMetricsView, EscalationStatsView, SeriesCharts } from './analytics-charts';
import { KnowledgeSources } from './knowledge-sources';
import { ModelsTable } from './models-table';

const PERIODS = [7, 30, 90] as const;

export function AdminPage(): ReactNode {
  return (
    <div className="page admin-page">
      <header className="page-header">
        <h1>Admin dashboard</h1>
      </header>
      <AdminNav />
      <AnalyticsSection />
      <section className="panel" aria-labelledby="agents-admin-title">
        <h2 id="agents-admin-title">Agent catalog</h2>
        <AgentsSection />
      </section>
      <section className="panel" aria-labelledby="knowledge-title">
        <h2 id="knowledge-title">Knowledge sources</h2>
        <KnowledgeSection />
      </section>
      <section className="panel" aria-labelledby="models-title">
        <h2 id="models-title">Models and provider health</h2>
        <ModelsSection />
      </section>
    </div>
  );
}

function AnalyticsSection(): ReactNode {
  const [days, setDays] = useState<number>(30);
  const series = useResource(() => api.getAnalyticsSeries(days), [days]);
  const escalations = useResource(() => api.getEscalationStats(days), [days]);
  const agents = useResource(() => api.getAgentMetrics(days), [days]);
  return (
    <section className="panel" aria-labelledby="analytics-title">
      <div className="panel-header">
        <h2 id="analytics-title">Analytics</h2>
        <div role="group" aria-label="Period" className="segmented">
          {PERIODS.map((period) => (
            <button key={period} type="button" aria-pressed={days === period} onClick={() => setDays(period)}>
              {period} days
            </button>
          ))}
        </div>
      </div>
      <h3>Volume, outcomes, latency and cost</h3>
      <ResourceView resource={series.resource} endpoint="GET /api/analytics/overview" what="daily analytics" onRetry={series.reload}>
        {(points) => <SeriesCharts series={points} />}
      </ResourceView>
      <h3>Escalations</h3>
      <ResourceView resource={escalations.resource} endpoint="GET /api/analytics/escalations" what="escalation analytics" onRetry={escalations.reload}>
        {(stats) => <EscalationStatsView stats={stats} />}
      </ResourceView>
      <h3>Per-agent performance</h3>
      <ResourceView resource={agents.resource} endpoint="GET /api/analytics/agents" what="agent analytics" onRetry={agents.reload}>
        {(rows) => <AgentMetricsView agents={rows} />}
      </ResourceView>
    </section>
  );
}

function AgentsSection(): ReactNode {
  const { resource, reload } = useResource(() => api.listAgents(), []);
  return (
    <ResourceView resource={resource} endpoint="GET /api/agents" what="the agent catalog" onRetry={reload}>
      {(agents) => <AgentCatalog agents={agents} onSaved={reload} />}
    </ResourceView>
  );
}

function KnowledgeSection(): ReactNode {
  const { resource, reload } = useResource(() => knowledgeApi.listSources(), [], 30_000);
  const { can } = useAuth();
  return (
    <>
      <ResourceView resource={resource} endpoint="GET /api/knowledge/sources" what="knowledge sources" onRetry={reload}>
        {(sources) => <KnowledgeSources sources={sources} />}
      </ResourceView>
      {can(Area.manage) && resource.status !== 'unavailable' && (
        <p>
          <Link to="/admin/knowledge">Manage knowledge sources, documents and search</Link>
        </p>
      )}
    </>
  );
}

function ModelsSection(): ReactNode {
  const { resource, reload } = useResource(() => api.getModels(), [], 30_000);
  return (
    <ResourceView resource={resource} endpoint="GET /api/models" what="the model catalog" onRetry={reload}>
      {(catalog) => <ModelsTable catalog={catalog} />}
    </ResourceView>
  );
}
