/** Analytics charts (Recharts): daily volume/outcomes/latency/cost, escalation statistics, agents. */
import type { ReactElement, ReactNode } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { AgentMetrics, AnalyticsPoint, EscalationStats } from '../api/upcoming-types';
import { formatMs } from '../debug/timeline-layout';

const COLORS = ['#2458d6', '#1b8a5a', '#c2410c', '#7c3aed', '#b91c1c', '#0e7490'];

function Chart({ title, children }: { title: string; children: ReactElement }): ReactNode {
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <div className="chart-body">
        <ResponsiveContainer width="100%" height={220}>
          {children}
        </ResponsiveContainer>
      </div>
    </figure>
  );
}

/** `{ refund: 2, pii: 1 }` → `[{ name: 'refund', count: 2 }, …]`, largest first. */
export function countsOf(record: Record<string, number>): { name: string; count: number }[] {
  return Object.entries(record)
    .map(([name, count]) => ({ name, count }))
    .sort((a, b) => b.count - a.count);
}

export function SeriesCharts({ series }: { series: AnalyticsPoint[] }): ReactNode {
  if (series.length === 0) return <p className="muted">No traffic in this period yet.</p>;
  return (
    <div className="chart-grid">
      <Chart title="Conversations per day">
        <BarChart data={series}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="date" />
          <YAxis allowDecimals={false} />
          <Tooltip />
          <Bar dataKey="conversations" name="Conversations" fill={COLORS[0]} />
        </BarChart>
      </Chart>
      <Chart title="Outcomes">
        <BarChart data={series}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="date" />
          <YAxis allowDecimals={false} />
          <Tooltip />
          <Legend />
          <Bar dataKey="resolved" name="Resolved" stackId="outcome" fill={COLORS[1]} />
          <Bar dataKey="escalated" name="Escalated" stackId="outcome" fill={COLORS[2]} />
          <Bar dataKey="reopened" name="Reopened" stackId="outcome" fill={COLORS[4]} />
        </BarChart>
      </Chart>
      <Chart title="Latency (ms)">
        <LineChart data={series}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="date" />
          <YAxis />
          <Tooltip />
          <Legend />
          <Line dataKey="latencyP50Ms" name="p50" stroke={COLORS[0]} dot={false} />
          <Line dataKey="latencyP95Ms" name="p95" stroke={COLORS[2]} dot={false} />
        </LineChart>
      </Chart>
      <Chart title="Cost per conversation (USD)">
        <LineChart data={series}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="date" />
          <YAxis />
          <Tooltip />
          <Line dataKey="costPerConversationUsd" name="Cost" stroke={COLORS[3]} dot={false} />
        </LineChart>
      </Chart>
    </div>
  );
}

export function EscalationStatsView({ stats }: { stats: EscalationStats }): ReactNode {
  const ms = (value: number | null): string => (value === null ? '—' : formatMs(value));
  return (
    <>
      <dl className="kpis">
        <div>
          <dt>Turns</dt>
          <dd>{stats.turns}</dd>
        </div>
        <div>
          <dt>Escalated</dt>
          <dd>
            {stats.escalated} ({(stats.rate * 100).toFixed(1)}%)
          </dd>
        </div>
        <div>
          <dt>Time to decision p50 / p95</dt>
          <dd>
            {ms(stats.timeToDecisionMs.p50)} / {ms(stats.timeToDecisionMs.p95)}
          </dd>
        </div>
      </dl>
      <div className="chart-grid">
        <Chart title="Escalation reasons">
          <BarChart data={stats.reasons} layout="vertical">
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis type="number" allowDecimals={false} />
            <YAxis type="category" dataKey="reason" width={160} />
            <Tooltip />
            <Bar dataKey="count" name="Escalations" fill={COLORS[2]} />
          </BarChart>
        </Chart>
        <Chart title="Review outcomes">
          <BarChart data={countsOf(stats.outcomes)}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="name" />
            <YAxis allowDecimals={false} />
            <Tooltip />
            <Bar dataKey="count" name="Decisions" fill={COLORS[1]} />
          </BarChart>
        </Chart>
      </div>
    </>
  );
}

export function AgentMetricsView({ agents }: { agents: AgentMetrics[] }): ReactNode {
  if (agents.length === 0) return <p className="muted">No specialist has worked in this period yet.</p>;
  return (
    <div className="chart-grid">
      <Chart title="Invocations and failures per agent">
        <BarChart data={agents} layout="vertical">
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis type="number" allowDecimals={false} />
          <YAxis type="category" dataKey="agentId" width={160} />
          <Tooltip />
          <Legend />
          <Bar dataKey="invocations" name="Invocations" fill={COLORS[0]} />
          <Bar dataKey="failures" name="Failures" fill={COLORS[4]} />
          <Bar dataKey="humanOverrides" name="Overridden by reviewers" fill={COLORS[2]} />
        </BarChart>
      </Chart>
      <Chart title="Latency per agent (ms)">
        <BarChart data={agents} layout="vertical">
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis type="number" />
          <YAxis type="category" dataKey="agentId" width={160} />
          <Tooltip />
          <Legend />
          <Bar dataKey="averageLatencyMs" name="Average" fill={COLORS[5]} />
          <Bar dataKey="p95LatencyMs" name="p95" fill={COLORS[3]} />
        </BarChart>
      </Chart>
    </div>
  );
}
