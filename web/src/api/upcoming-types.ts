/**
 * Shapes of endpoints that other issues are building (escalations, agent catalog, models,
 * analytics). Only the fields the pages need are required; the rest are optional so the pages keep
 * working as the contracts settle. The client normalizes list envelopes (`[...]` or `{ items: [...] }`).
 */
import type { Citation, Passage, QaCheck } from './types';

export const ReviewAction = { approve: 'approve', edit: 'edit', reject: 'reject', reassign: 'reassign' } as const;
export type ReviewAction = (typeof ReviewAction)[keyof typeof ReviewAction];

export interface Escalation {
  id: string;
  conversationId: string;
  turnId: string;
  reason: string;
  draftAnswer: string;
  status: string;
  createdAt: string;
  reviewer?: string | null;
  team?: string | null;
  question?: string | null;
  /** The QA checks that led here (with their evidence), or passages/citations. */
  evidence?: (QaCheck | Citation | Passage)[];
  slaDueAt?: string | null;
}

/** Body of `POST /api/escalations/:id/decision`. */
export interface ReviewDecisionInput {
  action: ReviewAction;
  reviewer: string;
  answer?: string;
  note?: string;
  /** For `reassign`: who gets the escalation. */
  assignee?: string;
}

export interface AgentDefinition {
  id: string;
  name: string;
  team?: string;
  description?: string;
  version?: number;
  enabled?: boolean;
  expertise?: string[];
  modelTier?: string;
  escalationTopics?: string[];
  updatedAt?: string;
}

export interface ModelInfo {
  provider: string;
  modelId: string;
  tier?: string;
  inputPricePerMillionUsd?: number;
  outputPricePerMillionUsd?: number;
  contextWindow?: number;
  healthy?: boolean;
}

export interface ProviderHealth {
  provider: string;
  status: string;
  detail?: string;
  latencyP95Ms?: number;
  errorRate?: number;
}

export interface ModelCatalog {
  models: ModelInfo[];
  providers: ProviderHealth[];
}

/** One day of the proposed `GET /api/analytics/overview?days=` (`{ series: [...] }`). */
export interface AnalyticsPoint {
  date: string;
  conversations?: number;
  resolved?: number;
  escalated?: number;
  reopened?: number;
  latencyP50Ms?: number;
  latencyP95Ms?: number;
  costPerConversationUsd?: number;
}

/** `GET /api/analytics/escalations?days=`. */
export interface EscalationStats {
  turns: number;
  escalated: number;
  rate: number;
  reasons: { reason: string; count: number }[];
  outcomes: Record<string, number>;
  timeToDecisionMs: { p50: number | null; p95: number | null };
}

/** One row of `GET /api/analytics/agents?days=` (`{ agents: [...] }`). */
export interface AgentMetrics {
  agentId: string;
  invocations: number;
  failures: number;
  averageLatencyMs: number;
  p95LatencyMs: number;
  tokens: number;
  costUsd: number;
  averageConfidence: number | null;
  humanOverrides: number;
}
