import type { Citation, Passage, QaCheck, QaResult, RouteDecision, SynthesizedAnswer } from '../../domain/types.js';
import type { ActivityDependencies } from '../dependencies.js';
import { parseCitedSentences } from '../llm/offline-model.js';
import type { TurnRef } from '../events/publisher.js';
import { createStageRecorder } from '../turn/stage-recorder.js';
import { redactPii } from './pii.js';

export interface CheckQualityInput extends TurnRef {
  question: string;
  route: RouteDecision;
  draft: SynthesizedAnswer;
  /** The passages the draft cites: text published in the knowledge base is not PII to redact. */
  sources: Passage[];
}

export interface CheckQualityResult extends QaResult {
  /** How long a reviewer has before the turn's fallback applies (from configuration). */
  reviewTimeoutMs: number;
}

const INJECTION = /\b(ignore|disregard|forget)\b.{0,30}\b(previous|above|prior|all)\b.{0,20}\b(instructions?|prompts?|rules)\b|\bsystem prompt\b|\byou are now\b|\bjailbreak\b/i;

/** Keeps only sentences that cite a known source; the rest are removed before delivery. */
function checkGrounding(draft: SynthesizedAnswer): { check: QaCheck; answer: SynthesizedAnswer } {
  if (draft.noAnswer) {
    return { check: { check: 'grounding', verdict: 'pass', detail: 'no-answer reply makes no claims' }, answer: draft };
  }
  const known = new Set(draft.citations.map((citation) => citation.index));
  const sentences = parseCitedSentences(draft.text);
  const kept = sentences.filter((sentence) => sentence.documentNumbers.length > 0 && sentence.documentNumbers.every((n) => known.has(n)));
  const removed = sentences.length - kept.length;
  const used = new Set(kept.flatMap((sentence) => sentence.documentNumbers));
  const citations: Citation[] = draft.citations.filter((citation) => used.has(citation.index));
  const text = kept.map((sentence) => `${sentence.text} ${sentence.documentNumbers.map((n) => `[${n}]`).join('')}`).join(' ');
  const verdict = kept.length === 0 ? 'fail' : removed > 0 ? 'warn' : 'pass';
  const detail = removed === 0 ? `all ${kept.length} sentences cite a source` : `removed ${removed} of ${sentences.length} unsupported sentences`;
  // Nothing grounded: the draft escalates, and the reviewer must see it as written, not an empty text.
  const answer = removed === 0 || kept.length === 0 ? draft : { ...draft, text, citations };
  return { check: { check: 'grounding', verdict, detail }, answer };
}

function checkPii(answer: SynthesizedAnswer, sources: Passage[]): { check: QaCheck; answer: SynthesizedAnswer } {
  // Only the curated knowledge base is published text; history and live web may carry anyone's data.
  const published = sources.filter((passage) => passage.source === 'knowledge').map((passage) => passage.text);
  const { text, found } = redactPii(answer.text, { isAllowed: (match) => published.some((passage) => passage.includes(match)) });
  if (found.length === 0) return { check: { check: 'pii', verdict: 'pass', detail: 'no personal data found' }, answer };
  return { check: { check: 'pii', verdict: 'warn', detail: `redacted: ${found.join(', ')}` }, answer: { ...answer, text } };
}

function checkInjection(question: string): QaCheck {
  return INJECTION.test(question)
    ? { check: 'prompt-injection', verdict: 'warn', detail: 'the message tries to override instructions; answered from sources only' }
    : { check: 'prompt-injection', verdict: 'pass', detail: 'no injection pattern in the message' };
}

/** Decides whether a human must look: explicit request, ungrounded answer, or low confidence. */
function escalationReason(input: CheckQualityInput, grounding: QaCheck, answer: SynthesizedAnswer, minConfidence: number): string | null {
  if (input.route.wantsHuman) return 'the customer asked for a person';
  if (grounding.verdict === 'fail') return 'no sentence of the draft is supported by a source';
  if (!answer.noAnswer && answer.confidence < minConfidence) return `confidence ${answer.confidence} is below ${minConfidence}`;
  return null;
}

export function createQaActivities(dependencies: ActivityDependencies) {
  const { settings } = dependencies;
  const stages = createStageRecorder(dependencies);

  function check(input: CheckQualityInput): CheckQualityResult {
      const grounding = checkGrounding(input.draft);
      const pii = checkPii(grounding.answer, input.sources);
      const injection = checkInjection(input.question);
      const reason = escalationReason(input, grounding.check, pii.answer, settings.qaMinConfidence);
      const confidence: QaCheck = {
        check: 'confidence',
        verdict: pii.answer.noAnswer || pii.answer.confidence >= settings.qaMinConfidence ? 'pass' : 'fail',
        detail: `confidence ${pii.answer.confidence}, threshold ${settings.qaMinConfidence}`,
      };
      return {
        outcome: reason === null ? 'pass' : 'escalate',
        reason,
        checks: [grounding.check, pii.check, injection, confidence],
        answer: pii.answer,
        reviewTimeoutMs: settings.reviewTimeoutMs,
      };
  }

  return {
    /** QA stage: grounding, PII redaction, injection heuristics and the confidence threshold. */
    async checkQuality(input: CheckQualityInput): Promise<CheckQualityResult> {
      return stages.run(input, 'qa', () => Promise.resolve(check(input)), (result) => ({
        summary: result.outcome === 'pass' ? 'pass' : `escalate: ${result.reason ?? ''}`,
        trace: { qa: result.checks },
      }));
    },
  };
}
