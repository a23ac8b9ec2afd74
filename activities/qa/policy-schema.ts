/**
 * The declarative QA policy: its zod schema, the default policy file and the per-tenant loader. A tenant's
 * overrides change PII actions, thresholds and exchange rates, replace or add rules by id, or disable rules.
 */
import { z } from 'zod';
import defaultPolicyJson from './policies/default-policy.json' with { type: 'json' };

const PiiActionSchema = z.enum(['redact', 'block', 'escalate']);

export const PiiPolicySchema = z.object({
  email: PiiActionSchema,
  phone: PiiActionSchema,
  card: PiiActionSchema,
  iban: PiiActionSchema,
  'national-id': PiiActionSchema,
  secret: PiiActionSchema,
});

/** A regular-expression source, checked to compile (case-insensitive, Unicode). */
const PatternSchema = z.string().refine((source) => {
  try {
    new RegExp(source, 'iu');
    return true;
  } catch {
    return false;
  }
}, 'not a valid regular expression');

/**
 * One rule. It fires on a sentence of the texts it applies to when one of `patterns` matches, every entry of
 * `requireAll` matches too, and no `exceptions` entry matches that sentence (nor a `framing` entry the whole
 * text). `amountAbove` fires on a sentence with one of its `context` patterns and an amount above the limit.
 */
export const PolicyRuleSchema = z.object({
  id: z.string().min(1),
  topic: z.string().min(1),
  description: z.string(),
  action: z.enum(['escalate', 'disclaimer']),
  appliesTo: z.array(z.enum(['message', 'answer'])).min(1).default(['message']),
  patterns: z.array(PatternSchema).default([]),
  requireAll: z.array(PatternSchema).default([]),
  exceptions: z.array(PatternSchema).default([]),
  framing: z.array(PatternSchema).default([]),
  amountAbove: z.object({ usd: z.number().nonnegative(), context: z.array(PatternSchema).min(1) }).optional(),
  /** Fires when the text contains PII of these categories (e.g. a customer pasting an API key). */
  piiCategories: z.array(z.enum(['email', 'phone', 'card', 'iban', 'national-id', 'secret'])).default([]),
  disclaimer: z.string().optional(),
});
export type PolicyRule = z.infer<typeof PolicyRuleSchema>;

export const QaPolicySchema = z.object({
  version: z.literal(1),
  /** Overrides the worker's `qaMinConfidence` for this tenant. */
  minConfidence: z.number().min(0).max(1).optional(),
  pii: PiiPolicySchema,
  /** Sent instead of an answer whose PII policy is `block`. */
  blockedMessage: z.string().min(1),
  grounding: z.object({
    /** Above this share of unsupported sentences the answer escalates instead of being trimmed. */
    maxUnsupportedShare: z.number().min(0).max(1),
    /** Support score (0–1) a sentence needs from the sources it cites. */
    minSupport: z.number().min(0).max(1),
  }),
  /** US dollars per unit of each currency, for amount limits (approximate, conservative). */
  usdRates: z.record(z.string(), z.number().positive()),
  /** Escalate when the draft surfaces a contradiction between agents that synthesis could not resolve. */
  escalateSurfacedContradictions: z.boolean(),
  rules: z.array(PolicyRuleSchema),
});
export type QaPolicy = z.infer<typeof QaPolicySchema>;

/** What a tenant may change; plain JSON, so it can travel in an activity input. */
export const QaPolicyOverridesSchema = z.object({
  minConfidence: z.number().min(0).max(1).optional(),
  pii: PiiPolicySchema.partial().optional(),
  blockedMessage: z.string().min(1).optional(),
  grounding: QaPolicySchema.shape.grounding.partial().optional(),
  usdRates: z.record(z.string(), z.number().positive()).optional(),
  escalateSurfacedContradictions: z.boolean().optional(),
  /** Rules to add, or to replace the default rule with the same id. */
  rules: z.array(PolicyRuleSchema).optional(),
  /** Ids of default rules this tenant turns off. */
  disabledRules: z.array(z.string()).optional(),
});
export type QaPolicyOverrides = z.input<typeof QaPolicyOverridesSchema>;

/** The default policy, validated once at load (a broken file fails the worker at start, not a turn). */
export const DEFAULT_QA_POLICY: QaPolicy = QaPolicySchema.parse(defaultPolicyJson);

/** The default policy with a tenant's overrides applied and validated. Throws a ZodError on bad overrides. */
export function loadQaPolicy(overrides: QaPolicyOverrides = {}, base: QaPolicy = DEFAULT_QA_POLICY): QaPolicy {
  const parsed = QaPolicyOverridesSchema.parse(overrides);
  const replacing = new Map((parsed.rules ?? []).map((rule) => [rule.id, rule]));
  const disabled = new Set(parsed.disabledRules ?? []);
  const rules = [
    ...base.rules.filter((rule) => !disabled.has(rule.id)).map((rule) => replacing.get(rule.id) ?? rule),
    ...(parsed.rules ?? []).filter((rule) => !base.rules.some((existing) => existing.id === rule.id)),
  ];
  return QaPolicySchema.parse({
    ...base,
    ...(parsed.minConfidence === undefined ? {} : { minConfidence: parsed.minConfidence }),
    pii: { ...base.pii, ...parsed.pii },
    blockedMessage: parsed.blockedMessage ?? base.blockedMessage,
    grounding: { ...base.grounding, ...parsed.grounding },
    usdRates: { ...base.usdRates, ...parsed.usdRates },
    escalateSurfacedContradictions: parsed.escalateSurfacedContradictions ?? base.escalateSurfacedContradictions,
    rules,
  });
}
