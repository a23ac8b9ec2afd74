/**
 * Which tier a call needs. The table gives the tier per task purpose and question complexity; an agent's
 * `preferredTier` can raise it, never lower it.
 *
 * | purpose    | simple   | moderate | complex  |
 * |------------|----------|----------|----------|
 * | route      | fast     | fast     | fast     |
 * | summarize  | fast     | fast     | balanced |
 * | qa         | fast     | fast     | balanced |
 * | agent      | fast     | balanced | premium  |
 * | synthesize | balanced | balanced | premium  |
 * | (other)    | balanced | balanced | premium  |
 *
 * Routing runs before complexity is known and only classifies, so it stays fast. Checks (qa) and summaries
 * need more care only on complex turns. Agents and synthesis write the answer the customer reads: moderate
 * questions get a balanced model, complex ones premium. A call without a complexity counts as `moderate`.
 */
import type { Complexity } from '../../../domain/types.js';
import type { ModelCallContext } from '../chat-model.js';
import { ModelTier, TIER_ORDER, tierRank } from './model-catalog.js';

/** Required tier per complexity for one purpose. */
export type TierByComplexity = Record<Complexity, ModelTier>;

/** The policy: a row per purpose, and the row for purposes not listed. */
export interface TierPolicy {
  purposes: Record<string, TierByComplexity>;
  otherPurposes: TierByComplexity;
}

const { fast, balanced, premium } = ModelTier;

/** The table above. */
export const DEFAULT_TIER_POLICY: TierPolicy = {
  purposes: {
    route: { simple: fast, moderate: fast, complex: fast },
    summarize: { simple: fast, moderate: fast, complex: balanced },
    qa: { simple: fast, moderate: fast, complex: balanced },
    agent: { simple: fast, moderate: balanced, complex: premium },
    synthesize: { simple: balanced, moderate: balanced, complex: premium },
  },
  otherPurposes: { simple: balanced, moderate: balanced, complex: premium },
};

/** The tier a call needs: the policy's tier for its purpose and complexity, raised to the agent's preferred tier. */
export function requiredTier(policy: TierPolicy, purpose: string, context: Pick<ModelCallContext, 'complexity' | 'preferredTier'>): ModelTier {
  const row = policy.purposes[purpose] ?? policy.otherPurposes;
  const fromPolicy = row[context.complexity ?? 'moderate'];
  const preferred = context.preferredTier;
  if (preferred === undefined) return fromPolicy;
  return TIER_ORDER[Math.max(tierRank(fromPolicy), tierRank(preferred))] ?? fromPolicy;
}
