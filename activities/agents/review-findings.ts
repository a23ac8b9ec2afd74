/**
 * The second, short round of the agents stage: each agent sees every first-round finding (the blackboard)
 * and confirms, refines or contests claims. A real model is asked for schema-checked stances; the offline
 * model (and invalid JSON) get the deterministic, evidence-based review of `blackboard.ts`.
 */
import { ApplicationFailure } from '@temporalio/activity';
import { EventType } from '../../domain/constants.js';
import { FailureType } from '../../domain/failure-types.js';
import type { AgentFinding, ClaimRef, LlmCall, Passage, Stance } from '../../domain/types.js';
import type { ActivityDependencies } from '../dependencies.js';
import { publishEvent, type TurnRef } from '../events/publisher.js';
import type { ChatModel, ChatRequest } from '../llm/chat-model.js';
import { withHeartbeat } from '../llm/heartbeat.js';
import { agentDraft, findingConfidence, humanNeedOf, metricsOf, type EscalationRuleLike } from './agent-finding.js';
import { applyStances, offlineStances } from './blackboard.js';
import { recordAgentRun, resolveAgent } from './agent-runs.js';
import { llmCallOf } from './run-agent.js';
import { parseStructured, responseFormatOf, reviewOutputSchema, type ReviewOutput } from './structured-finding.js';
import { callContextOf } from '../llm/call-context.js';

export interface ReviewFindingsInput extends TurnRef {
  /** The reviewing agent. */
  agentId: string;
  question: string;
  /** Every first-round finding, in routing order (the reviewing agent's among them). */
  findings: AgentFinding[];
  /** The passages the agents were given in round 1: refinements and contests may cite only these. */
  passages: Passage[];
}

export interface ReviewFindingsResult {
  /** The agent's finding after the review (`round: 2`, with `stances`, metrics of both rounds). */
  finding: AgentFinding;
  stances: Stance[];
}

/** The blackboard as a model reads it: every claim of the other agents, numbered, with its citations. */
function blackboardOf(findings: AgentFinding[], agentId: string, passages: Passage[]): { text: string; refs: ClaimRef[] } {
  const refs = findings
    .filter((finding) => finding.agentId !== agentId)
    .flatMap((finding) => finding.claims.map((claim, claimIndex) => ({ ref: { agentId: finding.agentId, claimIndex, text: claim.text }, claim })));
  const lines = refs.map(({ ref, claim }, position) => {
    const cites = claim.passageIds.map((id) => passages.findIndex((passage) => passage.id === id) + 1).filter((number) => number > 0);
    return `${position + 1}. (${ref.agentId}) ${ref.text} ${cites.map((number) => `[${number}]`).join('')}`;
  });
  return { text: lines.join('\n'), refs: refs.map(({ ref }) => ref) };
}

function reviewRequest(input: ReviewFindingsInput, agentName: string, blackboard: string, own: AgentFinding): ChatRequest {
  return {
    purpose: 'agent-review',
    system:
      `You are the ${agentName}. Other specialists answered the same question; their claims are numbered below. ` +
      'For each claim, confirm it, contest it with a cited counter-claim, or refine your own finding with a cited claim. ' +
      'Use only the numbered documents; stay silent on claims you cannot judge. Reply with JSON only.',
    messages: [{ role: 'user', content: `Question: ${input.question}\n\nYour draft: ${own.draft}\n\nBlackboard:\n${blackboard}` }],
    documents: input.passages.map((passage) => ({ id: passage.id, title: passage.title, text: passage.text })),
    maxOutputTokens: 500,
    responseFormat: responseFormatOf('agent_review', reviewOutputSchema),
  };
}

/** Stances from a model's JSON: targets must be blackboard claims, counter-claims and refinements must cite given passages. */
export function stancesFromOutput(agentId: string, output: ReviewOutput, refs: ClaimRef[], passages: Passage[]): Stance[] {
  return output.stances.flatMap((raw): Stance[] => {
    const target = raw.target === null ? null : (refs[raw.target - 1] ?? null);
    const passageIds = (raw.claim?.citations ?? []).map((number) => passages[number - 1]?.id).filter((id): id is string => id !== undefined);
    const claim = raw.claim === null || passageIds.length === 0 ? null : { text: raw.claim.text, passageIds: [...new Set(passageIds)] };
    if (raw.kind !== 'refine' && target === null) return [];
    if (raw.kind !== 'confirm' && claim === null) return [];
    return [{ agentId, kind: raw.kind, target, claim, passageIds: claim?.passageIds ?? [], reason: raw.reason }];
  });
}

/** Asks a real model for stances; null when it answers with anything but valid stance JSON. */
async function modelStances(chatModel: ChatModel, input: ReviewFindingsInput, agentName: string, own: AgentFinding): Promise<{ stances: Stance[] | null; llmCall: LlmCall }> {
  const blackboard = blackboardOf(input.findings, input.agentId, input.passages);
  const started = performance.now();
  const request = reviewRequest(input, agentName, blackboard.text, own);
  const result = await withHeartbeat((abortSignal) => chatModel.generate(request, { abortSignal, context: callContextOf({ ...input, purpose: 'agent-review' }) }));
  const llmCall = llmCallOf('agent-review', result, performance.now() - started, input.agentId);
  const parsed = parseStructured(result, reviewOutputSchema);
  return { stances: parsed === null ? null : stancesFromOutput(input.agentId, parsed, blackboard.refs, input.passages), llmCall };
}

/** The finding after the stances: new claims, confidence, human need and draft when the claims changed. */
function reviewedFinding(input: ReviewFindingsInput, own: AgentFinding, stances: Stance[], review: { agent: { name: string; escalationRules: readonly EscalationRuleLike[] }; llmCall?: LlmCall; latencyMs: number }): AgentFinding {
  const { claims, passages } = applyStances(own, stances, input.passages);
  const changed = JSON.stringify(claims) !== JSON.stringify(own.claims);
  const confidence = changed ? findingConfidence(input.question, claims) : own.confidence;
  const reason = changed ? humanNeedOf({ question: input.question, claims, confidence, rules: review.agent.escalationRules }) : own.needsHumanReason;
  const core = { claims, confidence, needsHuman: reason !== null };
  const calls = review.llmCall === undefined ? [own.llmCall] : [own.llmCall, review.llmCall];
  return {
    ...own,
    ...core,
    passages: changed ? passages : own.passages,
    finishedAt: new Date().toISOString(),
    draft: changed ? agentDraft(review.agent.name, claims, passages) : own.draft,
    needsHumanReason: reason,
    round: 2,
    metrics: metricsOf(calls, own.metrics.latencyMs + review.latencyMs, core),
    stances,
    ...(review.llmCall === undefined ? {} : { reviewCall: review.llmCall }),
  };
}

export function createBlackboardActivities(dependencies: ActivityDependencies) {
  const { chatModel, eventLog } = dependencies;
  return {
    /**
     * Blackboard round for one agent: its stances on the others' findings and its updated finding. Cheap
     * with the offline model (no model call); one short structured call with a real model.
     */
    async reviewFindings(input: ReviewFindingsInput): Promise<ReviewFindingsResult> {
      const own = input.findings.find((finding) => finding.agentId === input.agentId);
      const agent = await resolveAgent(dependencies, input.agentId, own?.agentVersion);
      if (agent === undefined || own === undefined) {
        throw ApplicationFailure.nonRetryable(`No first-round finding of agent "${input.agentId}" to review`, FailureType.InvalidInput);
      }
      const started = performance.now();
      const run = { turn: input, agentId: agent.id, round: 2 as const, agentVersion: agent.version };
      let asked: Awaited<ReturnType<typeof modelStances>> | null;
      try {
        asked = chatModel.provider === 'offline' ? null : await modelStances(chatModel, input, agent.name, own);
      } catch (error) {
        await recordAgentRun(dependencies, { ...run, outcome: 'failed', latencyMs: performance.now() - started, calls: [], confidence: null });
        throw error;
      }
      const stances = asked?.stances ?? offlineStances(input.agentId, input.question, input.findings, input.passages);
      const latencyMs = performance.now() - started;
      const finding = reviewedFinding(input, own, stances, { agent, latencyMs, ...(asked === null ? {} : { llmCall: asked.llmCall }) });
      const counts = Object.fromEntries(['confirm', 'refine', 'contest'].map((kind) => [kind, stances.filter((stance) => stance.kind === kind).length]));
      await publishEvent(eventLog, input, EventType.agentFinished, { agentId: agent.id, round: 2, stances: counts, claims: finding.claims.length, confidence: finding.confidence }, `${agent.id}:review`);
      await recordAgentRun(dependencies, { ...run, outcome: 'ok', latencyMs, calls: asked === null ? [] : [asked.llmCall], confidence: finding.confidence });
      return { finding, stances };
    },
  };
}
