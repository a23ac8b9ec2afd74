/**
 * The QA stage's decision, without I/O of its own: injection (message and passages), grounding, PII,
 * policy rules (tenant policy and agents' rules), contradictions and confidence. Each check is recorded
 * with its verdict and evidence; the outcome is pass, or escalate with every reason. Evidence never holds
 * raw PII: excerpts are redacted.
 */
import type { Passage, QaCheck, QaResult, RouteDecision, SynthesizedAnswer } from '../../domain/types.js';
import type { CallOptions, ChatModel } from '../llm/chat-model.js';
import { memoizeByText } from '../llm/text-memo.js';
import { checkGrounding } from './grounding-check.js';
import { quarantinePassagesWithModel } from './injection-classifier.js';
import { detectInjection, quarantinePassages, reasonsOf, type QuarantinedPassage } from './injection.js';
import { isJudgeModel } from './model-judgement.js';
import { applyPiiPolicy, describeMatch } from './pii.js';
import { evaluatePolicy, evidenceOf, loadQaPolicy, type AgentEscalationRule, type QaPolicy, type QaPolicyOverrides } from './policy.js';
import { redactText } from './redaction.js';

/** What the QA stage looks at (the activity input without the turn reference). */
export interface QualityInput {
  question: string;
  route: RouteDecision;
  draft: SynthesizedAnswer;
  /** The passages the draft cites: text published in the knowledge base is not PII to redact. */
  sources: Passage[];
  /** The tenant's policy overrides (see `policy-schema.ts`); the default policy when absent. */
  policy?: QaPolicyOverrides;
  /** Escalation rules of the agents that worked on the turn (from the catalog). */
  agentRules?: AgentEscalationRule[];
  /** Every passage retrieved for the turn (knowledge, live web, history), scanned for prompt injection. */
  passages?: Passage[];
}

export interface QualityContext {
  /** The worker's confidence threshold; a tenant policy's `minConfidence` overrides it. */
  minConfidence: number;
  /** A real model for the injection classifier and the grounding judge; heuristics only without one. */
  model?: ChatModel;
  callOptions?: CallOptions;
}

/** The QA result plus what the stage quarantined, for the trace. */
export interface QualityAssessment extends QaResult {
  reasons: string[];
  quarantined: { passageId: string; reasons: string[] }[];
}

/**
 * The QA stage makes up to two model calls in one activity; the router's ledger keys spend by call id, so each
 * gets its own (one shared id would leave the second call unbilled).
 */
function forCall(callOptions: CallOptions | undefined, call: string): CallOptions | undefined {
  const context = callOptions?.context;
  return context === undefined ? callOptions : { ...callOptions, context: { ...context, callId: `${context.callId}/${call}` } };
}

async function quarantineOf(input: QualityInput, context: QualityContext): Promise<{ quarantined: QuarantinedPassage[]; modelError: string | null }> {
  const byId = new Map([...(input.passages ?? []), ...input.sources].map((passage) => [passage.id, passage]));
  const passages = [...byId.values()];
  if (isJudgeModel(context.model)) return quarantinePassagesWithModel(passages, context.model, forCall(context.callOptions, 'injection'));
  return { quarantined: quarantinePassages(passages).quarantined, modelError: null };
}

function injectionCheck(question: string, quarantined: QuarantinedPassage[], citedIds: Set<string>, modelError: string | null): { check: QaCheck; escalation: string | null } {
  const messageFindings = detectInjection(question);
  const evidence = [
    ...reasonsOf(messageFindings).map((reason) => ({ kind: 'message', message: redactText(reason) })),
    ...quarantined.map((entry) => ({ kind: 'passage', message: redactText(entry.reasons.join('; ')), excerpt: entry.passage.id })),
    ...(modelError === null ? [] : [{ kind: 'classifier', message: `model classifier failed, heuristics decided: ${modelError}` }]),
  ];
  const cited = quarantined.filter((entry) => citedIds.has(entry.passage.id));
  if (cited.length > 0) {
    const detail = `the draft cites ${cited.length} passage(s) quarantined for prompt injection`;
    return { check: { check: 'prompt-injection', verdict: 'fail', detail, evidence }, escalation: detail };
  }
  const parts = [
    ...(messageFindings.length > 0 ? ['the message tries to override instructions; answered from sources only'] : []),
    ...(quarantined.length > 0 ? [`quarantined ${quarantined.length} retrieved passage(s)`] : []),
  ];
  if (parts.length === 0) return { check: { check: 'prompt-injection', verdict: 'pass', detail: 'no injection pattern in the message', evidence }, escalation: null };
  return { check: { check: 'prompt-injection', verdict: 'warn', detail: parts.join('; '), evidence }, escalation: null };
}

function piiCheck(answer: SynthesizedAnswer, sources: Passage[], policy: QaPolicy): { check: QaCheck; answer: SynthesizedAnswer; escalation: string | null } {
  // Only the curated knowledge base is published text; history and live web may carry anyone's data.
  const published = sources.filter((passage) => passage.source === 'knowledge' && !passage.untrusted).map((passage) => passage.text);
  const outcome = applyPiiPolicy(answer.text, policy.pii, { isAllowed: (match) => published.some((passage) => passage.includes(match)) });
  const evidence = outcome.matches.map((match) => ({ kind: 'pii', message: `${describeMatch(match)}: ${policy.pii[match.category]}` }));
  if (outcome.action === null) return { check: { check: 'pii', verdict: 'pass', detail: 'no personal data found', evidence }, answer, escalation: null };
  const labels = [...new Set(outcome.matches.map((match) => describeMatch(match).replace(/ \(.*$/, '')))];
  const redacted = { ...answer, text: outcome.text };
  if (outcome.action === 'block') {
    const blocked = { ...answer, text: policy.blockedMessage, citations: [] };
    return { check: { check: 'pii', verdict: 'fail', detail: `blocked: ${labels.join(', ')}`, evidence }, answer: blocked, escalation: null };
  }
  if (outcome.action === 'escalate') {
    return { check: { check: 'pii', verdict: 'fail', detail: `redacted, needs review: ${labels.join(', ')}`, evidence }, answer: redacted, escalation: `the answer contains ${labels.join(', ')}` };
  }
  return { check: { check: 'pii', verdict: 'warn', detail: `redacted: ${labels.join(', ')}`, evidence }, answer: redacted, escalation: null };
}

function policyCheck(input: QualityInput, answer: SynthesizedAnswer, policy: QaPolicy): { check: QaCheck; escalations: string[]; disclaimers: string[] } {
  const hits = evaluatePolicy({ message: input.question, answer: answer.text, policy, agentRules: input.agentRules });
  const evidence = evidenceOf(hits, redactText);
  const escalations = hits.filter((hit) => hit.action === 'escalate').map((hit) => `${hit.topic}: ${hit.description}`);
  for (const request of input.draft.humanRequests ?? []) {
    escalations.push(`agent ${request.agentId} asked for a human: ${request.reason}`);
    evidence.push({ kind: 'agent-request', message: redactText(request.reason), excerpt: request.agentId });
  }
  const surfaced = (input.draft.contradictions ?? []).filter((contradiction) => contradiction.status === 'surfaced');
  if (policy.escalateSurfacedContradictions && surfaced.length > 0) {
    escalations.push(`agents contradict each other about ${surfaced.map((contradiction) => contradiction.subject).join(', ')}`);
    evidence.push(...surfaced.map((contradiction) => ({ kind: 'contradiction', message: redactText(contradiction.reason), excerpt: contradiction.subject })));
  }
  const disclaimers = [...new Set(hits.flatMap((hit) => (hit.action === 'disclaimer' && hit.disclaimer ? [hit.disclaimer] : [])))];
  const verdict = escalations.length > 0 ? 'fail' : disclaimers.length > 0 ? 'warn' : 'pass';
  const detail = escalations.length > 0 ? `escalate: ${escalations.join('; ')}` : disclaimers.length > 0 ? 'disclaimer added' : 'no policy rule applies';
  return { check: { check: 'policy', verdict, detail, evidence }, escalations, disclaimers };
}

/**
 * The effective policy for a tenant's overrides, parsed once per distinct overrides (validating and merging
 * it on every turn cost more than some of the checks). Checks only read it.
 */
const policyOf = memoizeByText((overrides: string): QaPolicy => loadQaPolicy(JSON.parse(overrides) as QaPolicyOverrides), 64);

/** Runs every check and decides: pass, or escalate with reasons (most important first). */
export async function assessQuality(input: QualityInput, context: QualityContext): Promise<QualityAssessment> {
  const policy = policyOf(JSON.stringify(input.policy ?? {}));
  const minConfidence = policy.minConfidence ?? context.minConfidence;
  const { quarantined, modelError } = await quarantineOf(input, context);
  const quarantinedIds = new Set(quarantined.map((entry) => entry.passage.id));
  const grounding = await checkGrounding(input.draft, input.sources, { ...policy.grounding, judge: context.model, quarantinedIds, callOptions: forCall(context.callOptions, 'grounding') });
  grounding.check.evidence = grounding.check.evidence?.map((item) => ({ ...item, ...(item.excerpt === undefined ? {} : { excerpt: redactText(item.excerpt) }) }));
  const injection = injectionCheck(input.question, quarantined, new Set(input.draft.citations.map((citation) => citation.passageId)), modelError);
  const pii = piiCheck(grounding.answer, input.sources, policy);
  const rules = policyCheck(input, pii.answer, policy);
  const lowConfidence = !pii.answer.noAnswer && pii.answer.confidence < minConfidence;
  const confidence: QaCheck = { check: 'confidence', verdict: lowConfidence ? 'fail' : 'pass', detail: `confidence ${pii.answer.confidence}, threshold ${minConfidence}`, evidence: [] };
  const reasons = [
    ...(input.route.wantsHuman ? ['the customer asked for a person'] : []),
    ...rules.escalations,
    ...[pii.escalation, grounding.escalation, injection.escalation].filter((reason): reason is string => reason !== null),
    ...(lowConfidence ? [`confidence ${pii.answer.confidence} is below ${minConfidence}`] : []),
  ];
  const blocked = pii.check.detail.startsWith('blocked');
  const answer = rules.disclaimers.length === 0 || blocked ? pii.answer : { ...pii.answer, text: `${pii.answer.text}\n\n${rules.disclaimers.join(' ')}` };
  return {
    outcome: reasons.length === 0 ? 'pass' : 'escalate',
    reason: reasons[0] ?? null,
    reasons,
    checks: [grounding.check, pii.check, injection.check, confidence, rules.check],
    answer,
    quarantined: quarantined.map((entry) => ({ passageId: entry.passage.id, reasons: entry.reasons.map(redactText) })),
  };
}
