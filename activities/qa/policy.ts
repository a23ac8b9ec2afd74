/**
 * Evaluates the declarative QA policy (see `policy-schema.ts` and `policies/default-policy.json`) and the
 * agents' own escalation rules against the customer's message and the drafted answer. Pure functions.
 */
import type { QaEvidence } from '../../domain/types.js';
import { splitSentences } from '../llm/text.js';
import { memoizeByText } from '../llm/text-memo.js';
import { findAmounts, toUsd } from './amounts.js';
import { detectPii } from './pii-detectors.js';
import type { PolicyRule, QaPolicy } from './policy-schema.js';

export { DEFAULT_QA_POLICY, loadQaPolicy, QaPolicySchema, QaPolicyOverridesSchema, type QaPolicy, type QaPolicyOverrides, type PolicyRule } from './policy-schema.js';

/** An escalation rule from an agent's catalog entry. Without `patterns`, the topic phrase itself is matched. */
export interface AgentEscalationRule {
  topic: string;
  description: string;
  /** Regular-expression sources (case-insensitive); an invalid one is matched as a literal phrase. */
  patterns?: string[];
  /** The agent the rule belongs to, for the evidence. */
  agentId?: string;
}

/** A rule that fired, with where and on what. */
export interface RuleHit {
  ruleId: string;
  topic: string;
  action: 'escalate' | 'disclaimer';
  description: string;
  /** `message` or `answer`. */
  where: string;
  /** The sentence (or sentences) that matched, PII redacted by the caller before storing. */
  excerpt: string;
  disclaimer?: string;
}

export interface PolicyInput {
  message: string;
  answer: string;
  policy: QaPolicy;
  agentRules?: AgentEscalationRule[];
}

const compiled = new Map<string, RegExp>();

/** A cached, case-insensitive Unicode RegExp for a pattern source; an invalid source matches literally. */
export function patternOf(source: string): RegExp {
  let pattern = compiled.get(source);
  if (pattern === undefined) {
    try {
      pattern = new RegExp(source, 'iu');
    } catch {
      pattern = new RegExp(source.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'iu');
    }
    compiled.set(source, pattern);
  }
  return pattern;
}

const anyMatches = (sources: string[], text: string): boolean => sources.some((source) => patternOf(source).test(text));

/** Sentences, then pairs of neighbours ("My son has a fever. What should I give him?"); every rule reads them. */
const windowsOf = memoizeByText((text: string): readonly string[] => {
  const sentences = splitSentences(text.replace(/[’‘]/g, "'"));
  return [...sentences, ...sentences.slice(1).map((sentence, index) => `${sentences[index] ?? ''} ${sentence}`)];
}, 500);

function sentenceFires(rule: PolicyRule, sentence: string, policy: QaPolicy): boolean {
  if (anyMatches(rule.exceptions, sentence)) return false;
  if (rule.requireAll.length > 0 && !rule.requireAll.every((source) => patternOf(source).test(sentence))) return false;
  if (anyMatches(rule.patterns, sentence)) return true;
  if (rule.amountAbove !== undefined && anyMatches(rule.amountAbove.context, sentence)) {
    const limit = rule.amountAbove.usd;
    return findAmounts(sentence).some((amount) => (toUsd(amount, policy.usdRates) ?? Number.POSITIVE_INFINITY) > limit);
  }
  return false;
}

/** The sentence of `text` on which `rule` fires, or null. */
export function ruleMatch(rule: PolicyRule, text: string, policy: QaPolicy): string | null {
  if (text.trim() === '' || anyMatches(rule.framing, text)) return null;
  if (rule.piiCategories.length > 0) {
    const found = detectPii(text).find((match) => (rule.piiCategories as string[]).includes(match.category));
    if (found) return `${found.category} (${found.kind})`;
  }
  return windowsOf(text).find((sentence) => sentenceFires(rule, sentence, policy)) ?? null;
}

function agentRuleMatch(rule: AgentEscalationRule, text: string): string | null {
  const sources = rule.patterns !== undefined && rule.patterns.length > 0 ? rule.patterns : [String.raw`\b${rule.topic.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\b`];
  return splitSentences(text).find((sentence) => anyMatches(sources, sentence)) ?? null;
}

/** Every policy rule and agent rule that fires on the message or the answer. */
export function evaluatePolicy(input: PolicyInput): RuleHit[] {
  const hits: RuleHit[] = [];
  const texts = { message: input.message, answer: input.answer };
  for (const rule of input.policy.rules) {
    for (const where of rule.appliesTo) {
      const excerpt = ruleMatch(rule, texts[where], input.policy);
      if (excerpt === null) continue;
      hits.push({ ruleId: rule.id, topic: rule.topic, action: rule.action, description: rule.description, where, excerpt, ...(rule.disclaimer ? { disclaimer: rule.disclaimer } : {}) });
      break;
    }
  }
  for (const rule of input.agentRules ?? []) {
    const excerpt = agentRuleMatch(rule, input.message);
    if (excerpt !== null) {
      hits.push({ ruleId: `agent:${rule.agentId ?? 'unknown'}:${rule.topic}`, topic: rule.topic, action: 'escalate', description: rule.description, where: 'message', excerpt });
    }
  }
  return hits;
}

/** Evidence entries for the trace, one per hit (excerpts are passed through `redact`). */
export function evidenceOf(hits: RuleHit[], redact: (text: string) => string): QaEvidence[] {
  return hits.map((hit) => ({ kind: `rule:${hit.ruleId}`, message: `${hit.action} (${hit.where}): ${hit.description}`, excerpt: redact(hit.excerpt) }));
}
