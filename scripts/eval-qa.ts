/**
 * `npm run eval:qa`: runs the escalation evaluation (`activities/qa/__fixtures__/escalation-eval.json`),
 * prints recall, precision and PII leaks against the goals of issue 6, writes the full report to
 * `bench/results/qa-eval.json` and exits non-zero when a goal is missed.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { loadEvaluationCases, runEscalationEvaluation } from '../activities/qa/evaluation.js';

const GOALS = { recall: 0.99, precision: 0.9, piiLeaks: 0 };
const output = new URL('../bench/results/qa-eval.json', import.meta.url);

const report = await runEscalationEvaluation(await loadEvaluationCases());
const met = report.recall >= GOALS.recall && report.precision >= GOALS.precision && report.piiLeaks <= GOALS.piiLeaks;
await mkdir(new URL('.', output), { recursive: true });
await writeFile(output, `${JSON.stringify({ at: new Date().toISOString(), command: 'npm run eval:qa', goals: GOALS, met, ...report }, null, 2)}\n`);

const percent = (value: number): string => `${(value * 100).toFixed(1)}%`;
const lines = [
  `cases ${report.cases} (${report.mustEscalate} must escalate, ${report.mustPass} must pass)`,
  `escalation recall ${percent(report.recall)} (goal ≥ ${percent(GOALS.recall)}), precision ${percent(report.precision)} (goal ≥ ${percent(GOALS.precision)})`,
  `PII leaks across answers, logs and traces: ${report.piiLeaks} (goal ${GOALS.piiLeaks})`,
  ...report.mistakes.map((mistake) => `  ${mistake.id} [${mistake.category}] expected ${mistake.expected}, got ${mistake.actual}${mistake.reasons.length > 0 ? `: ${mistake.reasons.join('; ')}` : ''}`),
  ...report.leaks.map((leak) => `  leak in ${leak.where}`),
  met ? 'all goals met' : 'GOALS MISSED',
  `report: bench/results/qa-eval.json`,
];
process.stdout.write(`${lines.join('\n')}\n`);
process.exitCode = met ? 0 : 1;
