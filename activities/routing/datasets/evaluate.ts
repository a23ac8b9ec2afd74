/**
 * Routing evaluation: runs a route function over a test split and computes team- and agent-level accuracy
 * and macro-F1, out-of-scope precision and recall (over everything we call out of scope, and over the
 * dataset's own out-of-scope label alone), a team confusion matrix and decision latency percentiles.
 */
import type { RouteDecision } from '../../../domain/types.js';
import { OUT_OF_SCOPE_LABEL } from '../classifier.js';
import type { DatasetExample } from './load-dataset.js';

/** Precision, recall and F1 of the out-of-scope class over some pool of examples. */
export interface OutOfScopeScores {
  precision: number;
  recall: number;
  f1: number;
  positives: number;
  predicted: number;
}

/** Everything `eval:routing` prints and writes. */
export interface EvaluationReport {
  examples: number;
  inScopeExamples: number;
  /** Over mapped in-scope examples: the primary agent's team (or agent) is right; "out of scope" is wrong. */
  inScope: { teamAccuracy: number; agentAccuracy: number };
  /** Over all test examples, with out-of-scope as one more label. */
  overall: { teamAccuracy: number; teamMacroF1: number; agentAccuracy: number; agentMacroF1: number };
  outOfScope: { all: OutOfScopeScores; originalLabelOnly: OutOfScopeScores | null };
  confusion: { labels: string[]; matrix: number[][] };
  /** Wall-clock time per decision (includes time the process waited for a CPU on a busy machine). */
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  /** CPU time per decision (user + system): the decision's own cost, robust to a shared machine. */
  cpuMs: { p50: number; p95: number; p99: number; max: number };
  strategies: Record<string, number>;
  /** A few misrouted examples per true label, for the failure analysis. */
  errors: { text: string; expected: string; predicted: string; sourceIntent: string }[];
}

interface Scored {
  example: DatasetExample;
  decision: RouteDecision;
}

const ratio = (numerator: number, denominator: number): number => (denominator === 0 ? 0 : Number((numerator / denominator).toFixed(4)));

/** Evaluates `route` on `test`; `teamOf` maps an agent id to its team. */
export function evaluateRouting(route: (question: string) => RouteDecision, test: readonly DatasetExample[], teamOf: (agentId: string) => string): EvaluationReport {
  const scored: Scored[] = [];
  const latencies: number[] = [];
  const cpuTimes: number[] = [];
  for (const example of test.slice(0, 200)) route(example.text); // warm-up: JIT and lazy tables, not routing cost
  for (const example of test) {
    const cpuStarted = process.cpuUsage();
    const started = performance.now();
    const decision = route(example.text);
    latencies.push(performance.now() - started);
    const cpu = process.cpuUsage(cpuStarted);
    cpuTimes.push((cpu.user + cpu.system) / 1000);
    scored.push({ example, decision });
  }
  const expectedAgent = ({ example }: Scored): string => example.agentId ?? OUT_OF_SCOPE_LABEL;
  const predictedAgent = ({ decision }: Scored): string => (decision.outOfScope === true ? OUT_OF_SCOPE_LABEL : (decision.agents[0]?.agentId ?? OUT_OF_SCOPE_LABEL));
  const asTeam = (agent: string): string => (agent === OUT_OF_SCOPE_LABEL ? agent : teamOf(agent));
  const expectedTeam = (item: Scored): string => asTeam(expectedAgent(item));
  const predictedTeam = (item: Scored): string => asTeam(predictedAgent(item));
  const inScope = scored.filter((item) => item.example.agentId !== null);
  const original = scored.filter((item) => item.example.agentId !== null || item.example.originalOutOfScope);
  return {
    examples: scored.length,
    inScopeExamples: inScope.length,
    inScope: {
      teamAccuracy: accuracy(inScope, expectedTeam, predictedTeam),
      agentAccuracy: accuracy(inScope, expectedAgent, predictedAgent),
    },
    overall: {
      teamAccuracy: accuracy(scored, expectedTeam, predictedTeam),
      teamMacroF1: macroF1(scored, expectedTeam, predictedTeam),
      agentAccuracy: accuracy(scored, expectedAgent, predictedAgent),
      agentMacroF1: macroF1(scored, expectedAgent, predictedAgent),
    },
    outOfScope: {
      all: outOfScopeScores(scored),
      originalLabelOnly: scored.some((item) => item.example.originalOutOfScope) && original.length < scored.length ? outOfScopeScores(original) : null,
    },
    confusion: confusion(scored, expectedTeam, predictedTeam),
    latencyMs: percentiles(latencies),
    cpuMs: percentiles(cpuTimes),
    strategies: countBy(scored, (item) => item.decision.strategy ?? 'unknown'),
    errors: sampleErrors(scored, expectedAgent, predictedAgent),
  };
}

function accuracy(items: readonly Scored[], expected: (item: Scored) => string, predicted: (item: Scored) => string): number {
  return ratio(items.filter((item) => expected(item) === predicted(item)).length, items.length);
}

/** Mean F1 over the labels that occur in the truth. */
function macroF1(items: readonly Scored[], expected: (item: Scored) => string, predicted: (item: Scored) => string): number {
  const labels = [...new Set(items.map(expected))];
  const scores = labels.map((label) => {
    const truePositives = items.filter((item) => expected(item) === label && predicted(item) === label).length;
    const precision = truePositives / Math.max(1, items.filter((item) => predicted(item) === label).length);
    const recall = truePositives / Math.max(1, items.filter((item) => expected(item) === label).length);
    return precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  });
  return ratio(scores.reduce((sum, score) => sum + score, 0), scores.length);
}

function outOfScopeScores(items: readonly Scored[]): OutOfScopeScores {
  const positives = items.filter((item) => item.example.agentId === null).length;
  const predicted = items.filter((item) => item.decision.outOfScope === true).length;
  const truePositives = items.filter((item) => item.example.agentId === null && item.decision.outOfScope === true).length;
  const precision = ratio(truePositives, predicted);
  const recall = ratio(truePositives, positives);
  return { precision, recall, f1: precision + recall === 0 ? 0 : Number(((2 * precision * recall) / (precision + recall)).toFixed(4)), positives, predicted };
}

function confusion(items: readonly Scored[], expected: (item: Scored) => string, predicted: (item: Scored) => string): { labels: string[]; matrix: number[][] } {
  const labels = [...new Set([...items.map(expected), ...items.map(predicted)])].sort();
  const matrix = labels.map(() => labels.map(() => 0));
  for (const item of items) {
    const row = matrix[labels.indexOf(expected(item))];
    const column = labels.indexOf(predicted(item));
    if (row !== undefined) row[column] = (row[column] ?? 0) + 1;
  }
  return { labels, matrix };
}

/** Latency percentiles in milliseconds (nearest rank). */
export function percentiles(values: readonly number[]): { p50: number; p95: number; p99: number; max: number } {
  const sorted = [...values].sort((left, right) => left - right);
  const at = (quantile: number): number => Number((sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(quantile * sorted.length) - 1))] ?? 0).toFixed(3));
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99), max: at(1) };
}

function countBy(items: readonly Scored[], key: (item: Scored) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

function sampleErrors(items: readonly Scored[], expected: (item: Scored) => string, predicted: (item: Scored) => string): EvaluationReport['errors'] {
  const perLabel = new Map<string, number>();
  const errors: EvaluationReport['errors'] = [];
  for (const item of items) {
    const label = expected(item);
    if (label === predicted(item) || (perLabel.get(label) ?? 0) >= 5) continue;
    perLabel.set(label, (perLabel.get(label) ?? 0) + 1);
    errors.push({ text: item.example.text, expected: label, predicted: predicted(item), sourceIntent: item.example.sourceIntent });
  }
  return errors;
}
