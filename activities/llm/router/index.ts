/**
 * The adaptive LLM router. The worker builds one `RoutedChatModel` from the catalog (`loadModelCatalog`), an
 * adapter factory, a `SpendLedger` and a `CircuitBreaker`, and hands it to the activities as their `ChatModel`.
 */
export { RoutedChatModel, type RoutedChatModelOptions } from './routed-chat-model.js';
export {
  DEFAULT_CATALOG_PATH,
  ModelCapability,
  ModelCatalogError,
  ModelTier,
  loadModelCatalog,
  parseModelCatalog,
  priceOf,
  type CatalogEntry,
  type LoadModelCatalogOptions,
  type ModelCatalog,
} from './model-catalog.js';
export { DEFAULT_TIER_POLICY, requiredTier, type TierPolicy } from './tier-policy.js';
export { DEFAULT_COST_BAND, type CostBand, type RoutedModel } from './candidate-plan.js';
export {
  BreakerState,
  DEFAULT_BREAKER_SETTINGS,
  InMemoryCircuitBreaker,
  type BreakerSettings,
  type BreakerSnapshot,
  type CircuitBreaker,
  type Clock,
} from './circuit-breaker.js';
export { RedisCircuitBreaker, type RedisCircuitBreakerOptions } from './redis-circuit-breaker.js';
export { BudgetScope, type BudgetLimits, type SpendFilter, type SpendLedger, type SpendTotals, type SpendDimension } from './spend-ledger.js';
export { InMemorySpendLedger } from './memory-spend-ledger.js';
export { PostgresSpendLedger, type ModelUsageDatabase, type ModelUsageTable } from './postgres-spend-ledger.js';
export {
  BudgetExceededError,
  ContentPolicyError,
  MissingCallContextError,
  ModelsUnavailableError,
  NoModelFitsError,
  RouterError,
  RouterFailureType,
} from './router-errors.js';
export { describeModels, ModelHealth, type ModelDescription } from './describe-models.js';
export { registerRouterMetrics, ROUTER_METRIC_NAMES } from './router-metrics.js';
export type { RouterMetrics, Sleep } from './router-runtime.js';
export { countRequestTokens, countTextTokens } from './token-count.js';
