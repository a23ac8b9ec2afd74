/**
 * The escalation evaluation: runs every case of `__fixtures__/escalation-eval.json` through the QA stage's
 * decision (`assessQuality`, default policy, offline heuristics, no route hint) and measures escalation
 * recall and precision, plus PII leaks — a planted value found in the delivered answer, in a log line
 * written through the redacting logger, or in the stored (redacted) trace. Used by `scripts/eval-qa.ts`
 * and by `evaluation.test.ts`.
 */
import { readFile } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { z } from 'zod';
import type { Citation, Passage, RouteDecision, SynthesizedAnswer } from '../../domain/types.js';
import { assessQuality, type QualityAssessment } from './assess-quality.js';
import { redactingLoggerOptions, redactJson } from './redaction.js';

const SourceSchema = z.object({ title: z.string(), source: z.enum(['knowledge', 'web', 'history']), text: z.string(), untrusted: z.boolean().optional() });

const CaseSchema = z.object({
  id: z.string(),
  team: z.enum(['technical', 'business', 'analysis', 'customer', 'product', 'industry']),
  expect: z.enum(['escalate', 'pass']),
  category: z.string(),
  question: z.string(),
  answer: z.string(),
  sources: z.array(SourceSchema),
  passages: z.array(SourceSchema).optional(),
  confidence: z.number().min(0).max(1).optional(),
  agentRules: z.array(z.object({ agentId: z.string(), topic: z.string(), description: z.string(), patterns: z.array(z.string()).optional() })).optional(),
  pii: z.array(z.string()).optional(),
  note: z.string().optional(),
});
export type EvaluationCase = z.infer<typeof CaseSchema>;

const FixtureSchema = z.object({ description: z.string(), version: z.literal(1), cases: z.array(CaseSchema).min(1) });

export const EVALUATION_FIXTURE = new URL('./__fixtures__/escalation-eval.json', import.meta.url);

/** One case's outcome. */
export interface CaseResult {
  id: string;
  team: string;
  category: string;
  expected: 'escalate' | 'pass';
  actual: 'escalate' | 'pass';
  reasons: string[];
  leaks: { value: string; where: 'answer' | 'logs' | 'trace' }[];
}

export interface EvaluationReport {
  cases: number;
  mustEscalate: number;
  mustPass: number;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  /** Escalated must-escalate cases / must-escalate cases. */
  recall: number;
  /** Must-escalate cases among the escalated ones. */
  precision: number;
  piiLeaks: number;
  byTeam: Record<string, { cases: number; correct: number }>;
  mistakes: CaseResult[];
  leaks: CaseResult['leaks'];
}

const ROUTE: RouteDecision = { intent: 'evaluation', complexity: 'simple', language: 'en', agents: [], confidence: 1, wantsHuman: false };

function passagesOf(entry: EvaluationCase, sources: z.infer<typeof SourceSchema>[], prefix: string): Passage[] {
  return sources.map((source, index) => ({
    id: `${entry.id}:${prefix}${index + 1}`,
    source: source.source,
    documentId: `${entry.id}:${source.title}`,
    title: source.title,
    url: source.source === 'web' ? `https://web.example/${entry.id}/${index + 1}` : null,
    text: source.text,
    score: 1,
    updatedAt: null,
    untrusted: source.untrusted ?? source.source === 'web',
  }));
}

function draftOf(entry: EvaluationCase, sources: Passage[]): SynthesizedAnswer {
  const citations: Citation[] = sources.map((passage, index) => ({
    index: index + 1, passageId: passage.id, source: passage.source, documentId: passage.documentId, title: passage.title, url: passage.url, snippet: passage.text.slice(0, 280),
  }));
  const llmCall = { purpose: 'synthesize', provider: 'offline', modelId: 'evaluation', usage: { inputTokens: 0, outputTokens: 0 }, costUsd: 0, latencyMs: 0, attempt: 1 };
  return { text: entry.answer, citations, confidence: entry.confidence ?? 0.8, noAnswer: false, notice: null, llmCall };
}

/** Where each planted value shows up (raw, or with its spaces removed). */
function leaksOf(values: string[], places: Record<'answer' | 'logs' | 'trace', string>): CaseResult['leaks'] {
  return values.flatMap((value) => (Object.keys(places) as (keyof typeof places)[])
    .filter((where) => places[where].includes(value) || places[where].includes(value.replace(/\s+/g, '')))
    .map((where) => ({ value, where })));
}

/** Runs one case through the QA decision, a redacting logger and the trace redactor. */
export async function evaluateCase(entry: EvaluationCase, minConfidence = 0.2): Promise<CaseResult> {
  const sources = passagesOf(entry, entry.sources, 'source-');
  const passages = passagesOf(entry, entry.passages ?? [], 'retrieved-');
  const assessment: QualityAssessment = await assessQuality(
    { question: entry.question, route: ROUTE, draft: draftOf(entry, sources), sources, passages, agentRules: entry.agentRules },
    { minConfidence },
  );
  const lines: string[] = [];
  const sink = new Writable({ write(chunk: Buffer, _encoding, done) { lines.push(chunk.toString()); done(); } });
  const logger = pino({ level: 'info', ...redactingLoggerOptions() }, sink);
  logger.info({ question: entry.question, draft: entry.answer, checks: assessment.checks }, `qa checked: ${entry.question}`);
  logger.warn(`escalation reasons for "${entry.question}": ${assessment.reasons.join('; ')}`);
  const trace = JSON.stringify(redactJson({ question: entry.question, checks: assessment.checks, answer: assessment.answer, quarantined: assessment.quarantined }));
  return {
    id: entry.id, team: entry.team, category: entry.category, expected: entry.expect, actual: assessment.outcome, reasons: assessment.reasons,
    leaks: leaksOf(entry.pii ?? [], { answer: assessment.answer.text, logs: lines.join(''), trace }),
  };
}

/** Loads and validates the fixture. */
export async function loadEvaluationCases(file: URL | string = EVALUATION_FIXTURE): Promise<EvaluationCase[]> {
  return FixtureSchema.parse(JSON.parse(await readFile(file, 'utf8'))).cases;
}

/** Runs every case and sums up recall, precision, leaks and per-team accuracy. */
export async function runEscalationEvaluation(cases: EvaluationCase[]): Promise<EvaluationReport> {
  const results: CaseResult[] = [];
  for (const entry of cases) results.push(await evaluateCase(entry));
  const count = (predicate: (result: CaseResult) => boolean): number => results.filter(predicate).length;
  const truePositives = count((result) => result.expected === 'escalate' && result.actual === 'escalate');
  const falsePositives = count((result) => result.expected === 'pass' && result.actual === 'escalate');
  const falseNegatives = count((result) => result.expected === 'escalate' && result.actual === 'pass');
  const byTeam: EvaluationReport['byTeam'] = {};
  for (const result of results) {
    const team = (byTeam[result.team] ??= { cases: 0, correct: 0 });
    team.cases += 1;
    if (result.expected === result.actual) team.correct += 1;
  }
  const leaks = results.flatMap((result) => result.leaks);
  return {
    cases: results.length,
    mustEscalate: truePositives + falseNegatives,
    mustPass: results.length - truePositives - falseNegatives,
    truePositives, falsePositives, falseNegatives,
    recall: truePositives / Math.max(1, truePositives + falseNegatives),
    precision: truePositives / Math.max(1, truePositives + falsePositives),
    piiLeaks: leaks.length,
    byTeam,
    mistakes: results.filter((result) => result.expected !== result.actual),
    leaks,
  };
}
