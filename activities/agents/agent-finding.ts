/**
 * The parts of an agent's finding that do not need a model: claims from structured output, confidence,
 * whether a human is needed, the agent's draft and its metrics. Pure.
 */
import type { AgentMetrics, Claim, LlmCall, Passage } from '../../domain/types.js';
import type { EscalationRule } from './agent-definition.js';
import { terms } from '../llm/text.js';
import type { AgentOutput } from './structured-finding.js';

/** Below this confidence an agent's evidence is too thin to answer without a human. */
export const THIN_EVIDENCE = 0.3;

/** The share of the question's terms that the texts cover (stemmed, stopwords removed). */
export function questionCoverage(question: string, texts: string[]): number {
  const wanted = new Set(terms(question));
  if (wanted.size === 0) return 0;
  const found = new Set(texts.flatMap((text) => terms(text)));
  let covered = 0;
  for (const term of wanted) if (found.has(term)) covered += 1;
  return covered / wanted.size;
}

/** Claims of structured output, citations mapped from document numbers to passage ids; uncited claims dropped. */
export function claimsFromOutput(output: Pick<AgentOutput, 'claims'>, passages: Passage[]): Claim[] {
  return output.claims
    .map((claim) => ({
      text: claim.text,
      passageIds: [...new Set(claim.citations.map((number) => passages[number - 1]?.id).filter((id): id is string => id !== undefined))],
    }))
    .filter((claim) => claim.passageIds.length > 0);
}

/**
 * An agent's confidence: how much of the question its cited claims cover. A model's own estimate, when it
 * gave one, may lower this but never raise it (models are overconfident; coverage is checked evidence).
 */
export function findingConfidence(question: string, claims: Claim[], modelConfidence: number | null = null): number {
  if (claims.length === 0) return 0;
  const coverage = questionCoverage(question, claims.map((claim) => claim.text));
  return Number(Math.min(coverage, modelConfidence ?? 1).toFixed(3));
}

/** An escalation rule as the catalog states it (`agent-definition.ts`): a topic, and optional question patterns. */
export type EscalationRuleLike = Pick<EscalationRule, 'topic' | 'description' | 'patterns'>;

/**
 * The first escalation rule the question matches, or null: any of its case-insensitive `patterns`, or, for a
 * rule without patterns, every term of its topic ("leaked-credentials" → leaked, credentials).
 */
export function matchedEscalation(question: string, rules: readonly EscalationRuleLike[]): EscalationRuleLike | null {
  const asked = new Set(terms(question));
  return rules.find((rule) => {
    if (rule.patterns !== undefined && rule.patterns.length > 0) return rule.patterns.some((pattern) => matches(pattern, question));
    const wanted = terms(rule.topic.replace(/-/g, ' '));
    return wanted.length > 0 && wanted.every((term) => asked.has(term));
  }) ?? null;
}

function matches(pattern: string, text: string): boolean {
  try {
    return new RegExp(pattern, 'iu').test(text);
  } catch {
    return false;
  }
}

/** Why this agent wants a human, or null: an escalation rule, no or thin evidence, or the model's own call. */
export function humanNeedOf(input: { question: string; claims: Claim[]; confidence: number; rules: readonly EscalationRuleLike[]; modelReason?: string | null }): string | null {
  const rule = matchedEscalation(input.question, input.rules);
  if (rule !== null) return `escalation rule "${rule.topic}": ${rule.description}`;
  // Nothing found is answered honestly ("nothing relevant was found"), not escalated: a reviewer could not
  // add evidence the knowledge base lacks, and QA's confidence threshold still guards thin answers.
  if (input.claims.length === 0) return input.modelReason ?? null;
  if (input.confidence < THIN_EVIDENCE) return `evidence is thin: the claims cover ${Math.round(input.confidence * 100)}% of the question`;
  return input.modelReason ?? null;
}

/**
 * The agent's short answer in its own voice: its name, then its claims, each cited `[n]` by the position of
 * its first passage in `passages` (the finding's passages).
 */
export function agentDraft(agentName: string, claims: Claim[], passages: Passage[]): string {
  if (claims.length === 0) return `${agentName}: nothing in the retrieved sources answers this, so I would not guess.`;
  const sentences = claims.map((claim) => {
    const numbers = claim.passageIds.map((id) => passages.findIndex((passage) => passage.id === id) + 1).filter((number) => number > 0);
    return `${claim.text} ${numbers.map((number) => `[${number}]`).join('')}`.trim();
  });
  return `${agentName}: ${sentences.join(' ')}`;
}

/** Rewrites `[n]` markers that count in `from` to count in `to`; markers of passages `to` lacks are dropped. */
export function renumberMarkers(text: string, from: Passage[], to: Passage[]): string {
  return text.replace(/\[(\d+)\]/g, (_marker, number: string) => {
    const id = from[Number(number) - 1]?.id;
    const position = to.findIndex((passage) => passage.id === id);
    return position < 0 ? '' : `[${position + 1}]`;
  });
}

/** The per-invocation metrics the admin dashboard stores. */
export function metricsOf(calls: LlmCall[], latencyMs: number, finding: { confidence: number; claims: Claim[]; needsHuman: boolean }): AgentMetrics {
  return {
    latencyMs: Math.round(latencyMs),
    inputTokens: calls.reduce((sum, call) => sum + call.usage.inputTokens, 0),
    outputTokens: calls.reduce((sum, call) => sum + call.usage.outputTokens, 0),
    costUsd: calls.reduce((sum, call) => sum + call.costUsd, 0),
    confidence: finding.confidence,
    claims: finding.claims.length,
    needsHuman: finding.needsHuman,
  };
}
