/**
 * The order in which the router will try models for one call, decided before any network traffic:
 * 1. models meeting the required tier, cheapest first by worst-case price; among near-equal prices
 *    (within `relative` of the cheapest, or `absoluteUsd`) the one with the lower latency average goes first
 *    (a model without an average yet counts as the band's fastest, so new models get tried);
 * 2. models below the tier, closest tier first, then cheapest (a degraded answer beats no answer);
 * 3. last-resort models (the offline model), in catalog order.
 * Models that can never take the call (privacy, capabilities, window) are excluded with their reason.
 * Health (breakers) and budgets are checked later, attempt by attempt.
 */
import type { ModelAttempt } from '../../../domain/types.js';
import type { ChatModel, ChatRequest, ModelCallContext } from '../chat-model.js';
import type { LatencyTracker } from './latency-tracker.js';
import { ModelCapability, priceOf, tierRank } from './model-catalog.js';
import type { CatalogEntry, ModelTier } from './model-catalog.js';
import { countRequestTokens } from './token-count.js';
import { requiredTier } from './tier-policy.js';
import type { TierPolicy } from './tier-policy.js';

/** A catalog entry with the adapter that serves it. */
export interface RoutedModel {
  entry: CatalogEntry;
  model: ChatModel;
}

/** One model the router may try, with the numbers its budget check uses. */
export interface PlannedCandidate extends RoutedModel {
  inputTokens: number;
  maxOutputTokens: number;
  /** Worst case: every input token and `maxOutputTokens` output tokens. */
  estimateUsd: number;
  /** Why it is in this place of the order (goes into the attempt's reason). */
  reason: string;
}

export interface CallPlan {
  tier: ModelTier;
  candidates: PlannedCandidate[];
  /** Models that can never take this call, as `skipped` attempts. */
  excluded: ModelAttempt[];
}

/** What "near-equal cost" means for latency balancing. */
export interface CostBand {
  relative: number;
  absoluteUsd: number;
}

/** Defaults: within 25 % of the cheapest, or a twentieth of a cent. */
export const DEFAULT_COST_BAND: CostBand = { relative: 0.25, absoluteUsd: 0.0005 };

export interface PlanSettings {
  tierPolicy: TierPolicy;
  latency: LatencyTracker;
  costBand: CostBand;
  /** Output budget of a request without `maxOutputTokens` (capped by each model's maximum). */
  defaultMaxOutputTokens: number;
}

/** Orders the configured models for one call (see the module comment). */
export function planCall(models: RoutedModel[], request: ChatRequest, context: ModelCallContext, streaming: boolean, settings: PlanSettings): CallPlan {
  const tier = requiredTier(settings.tierPolicy, request.purpose, context);
  const promptTokens = countRequestTokens(request);
  const excluded: ModelAttempt[] = [];
  const meeting: PlannedCandidate[] = [];
  const below: PlannedCandidate[] = [];
  const lastResort: PlannedCandidate[] = [];
  for (const routed of models) {
    const { entry } = routed;
    const inputTokens = Math.ceil(promptTokens * entry.tokenCountFactor);
    const maxOutputTokens = request.maxOutputTokens ?? Math.min(settings.defaultMaxOutputTokens, entry.maxOutputTokens);
    const exclusion = exclusionReason(entry, request, context, streaming, inputTokens, maxOutputTokens);
    if (exclusion !== undefined) {
      excluded.push({ provider: entry.provider, modelId: entry.modelId, outcome: 'skipped', reason: exclusion, latencyMs: 0 });
      continue;
    }
    const candidate = { ...routed, inputTokens, maxOutputTokens, estimateUsd: priceOf(entry, inputTokens, maxOutputTokens), reason: '' };
    if (entry.lastResort) lastResort.push({ ...candidate, reason: 'last resort' });
    else if (tierRank(entry.tier) >= tierRank(tier)) meeting.push({ ...candidate, reason: `cheapest healthy model meeting the ${tier} tier` });
    else below.push({ ...candidate, reason: `degraded: below the required ${tier} tier` });
  }
  below.sort((left, right) => tierRank(right.entry.tier) - tierRank(left.entry.tier) || left.estimateUsd - right.estimateUsd);
  return { tier, candidates: [...balanceLatency(meeting, settings), ...below, ...lastResort], excluded };
}

function exclusionReason(
  entry: CatalogEntry,
  request: ChatRequest,
  context: ModelCallContext,
  streaming: boolean,
  inputTokens: number,
  maxOutputTokens: number,
): string | undefined {
  if (context.localOnly === true && !entry.local) return 'tenant allows local models only';
  if (request.responseFormat !== undefined && !entry.capabilities.includes(ModelCapability.json)) return 'no structured (json) output';
  if (streaming && !entry.capabilities.includes(ModelCapability.streaming)) return 'no streaming';
  if (maxOutputTokens > entry.maxOutputTokens) return `maxOutputTokens ${maxOutputTokens} exceeds the model's ${entry.maxOutputTokens}`;
  if (inputTokens + maxOutputTokens > entry.contextWindow) {
    return `prompt does not fit: ${inputTokens} input + ${maxOutputTokens} output tokens > ${entry.contextWindow} window`;
  }
  return undefined;
}

/** Cheapest first; inside each band of near-equal cost, fastest average first. */
function balanceLatency(candidates: PlannedCandidate[], settings: PlanSettings): PlannedCandidate[] {
  const remaining = [...candidates].sort((left, right) => left.estimateUsd - right.estimateUsd);
  const ordered: PlannedCandidate[] = [];
  while (remaining.length > 0) {
    const cheapest = remaining[0]?.estimateUsd ?? 0;
    const width = Math.max(cheapest * settings.costBand.relative, settings.costBand.absoluteUsd);
    const bandSize = remaining.findIndex((candidate) => candidate.estimateUsd - cheapest > width);
    const band = remaining.splice(0, bandSize === -1 ? remaining.length : bandSize);
    ordered.push(...orderByLatency(band, settings.latency));
  }
  return ordered;
}

function orderByLatency(band: PlannedCandidate[], latency: LatencyTracker): PlannedCandidate[] {
  if (band.length < 2) return band;
  const known = band.map((candidate) => latency.average(candidate.entry.id)).filter((value) => value !== undefined);
  const fastestKnown = known.length === 0 ? 0 : Math.min(...known);
  const averageOf = (candidate: PlannedCandidate): number => latency.average(candidate.entry.id) ?? fastestKnown;
  const ordered = [...band].sort((left, right) => averageOf(left) - averageOf(right));
  const first = ordered[0];
  if (first !== undefined && first !== band[0]) {
    ordered[0] = { ...first, reason: `${first.reason}; faster of near-equal-cost models (avg ${Math.round(averageOf(first))} ms)` };
  }
  return ordered;
}
