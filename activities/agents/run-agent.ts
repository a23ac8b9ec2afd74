import { ApplicationFailure } from '@temporalio/activity';
import { EventType } from '../../domain/constants.js';
import { FailureType } from '../../domain/failure-types.js';
import type { AgentFinding, Claim, LlmCall, Passage } from '../../domain/types.js';
import type { ActivityDependencies } from '../dependencies.js';
import { currentAttempt, publishEvent, type TurnRef } from '../events/publisher.js';
import type { ChatRequest, ChatResult } from '../llm/chat-model.js';
import { withHeartbeat } from '../llm/heartbeat.js';
import { parseCitedSentences } from '../llm/offline-model.js';
import { createStageRecorder } from '../turn/stage-recorder.js';
import { agentDraft, claimsFromOutput, findingConfidence, humanNeedOf, metricsOf, renumberMarkers, type EscalationRuleLike } from './agent-finding.js';
import { recordAgentRun, resolveAgent, type RunnableAgent } from './agent-runs.js';
import { agentOutputSchema, parseStructured, responseFormatOf } from './structured-finding.js';
import { callContextOf } from '../llm/call-context.js';

export { questionCoverage } from './agent-finding.js';

export interface RunAgentInput extends TurnRef {
  agentId: string;
  question: string;
  /** Grounding passages (knowledge and web), best first. */
  passages: Passage[];
  /** Earlier messages of this customer: context for the agent, never cited as a source. */
  history: Passage[];
  /** The catalog version the router chose (absent in runs recorded before versions): the agent runs with it. */
  agentVersion?: number;
  tenantId?: string;
}

/** Turns `[n]`-cited model output into claims that point at passage ids; drops out-of-range markers. */
export function claimsFromCitedText(text: string, documents: { id: string }[]): Claim[] {
  return parseCitedSentences(text).map((sentence) => ({
    text: sentence.text,
    passageIds: [...new Set(sentence.documentNumbers.map((number) => documents[number - 1]?.id).filter((id): id is string => id !== undefined))],
  }));
}

/** Records one model call for the trace, with the router's price and attempts when it set them. */
export function llmCallOf(purpose: string, result: ChatResult, latencyMs: number, agentId?: string): LlmCall {
  return {
    purpose,
    provider: result.provider,
    modelId: result.modelId,
    usage: result.usage,
    costUsd: result.costUsd ?? 0,
    latencyMs: Math.round(latencyMs),
    attempt: currentAttempt(),
    ...(agentId === undefined ? {} : { agentId }),
    ...(result.attempts === undefined ? {} : { attempts: result.attempts }),
  };
}

/** What an agent's model call yielded, before evidence checks. */
export interface AgentDraftOutput {
  claims: Claim[];
  /** The model's own draft (markers count in the given passages), or null to build one from the claims. */
  draft: string | null;
  modelConfidence: number | null;
  modelReason: string | null;
  structured: boolean;
}

/**
 * Reads an agent's model output: schema-valid JSON when structured output was asked for, else (the offline
 * model, or a model that ignored the schema) the `[n]`-cited sentences. Claims keep only given passages.
 */
export function readAgentOutput(result: ChatResult, passages: Passage[], structured: boolean): AgentDraftOutput {
  const parsed = structured ? parseStructured(result, agentOutputSchema) : null;
  if (parsed === null) {
    const claims = claimsFromCitedText(result.text, passages).filter((claim) => claim.passageIds.length > 0);
    return { claims, draft: null, modelConfidence: null, modelReason: null, structured: false };
  }
  const modelReason = parsed.needsHuman ? (parsed.needsHumanReason ?? 'the agent asked for a human') : null;
  return { claims: claimsFromOutput(parsed, passages), draft: parsed.draft, modelConfidence: parsed.confidence, modelReason, structured: true };
}

const STRUCTURED_INSTRUCTIONS =
  'Reply with JSON only: {"claims":[{"text":"…","citations":[n]}],"draft":"a short answer in your voice, citing [n]","confidence":0..1,"needsHuman":bool,"needsHumanReason":string|null}. Every claim cites the numbered documents that state it.';

function agentRequest(input: RunAgentInput, system: string, structured: boolean): ChatRequest {
  const historyNote =
    input.history.length === 0 ? '' : `\nThe customer asked before: ${input.history.map((passage) => passage.text).join(' | ')}`;
  const instructions = structured ? STRUCTURED_INSTRUCTIONS : 'Cite each sentence as [n].';
  return {
    purpose: 'agent',
    system: `${system}\nAnswer only from the numbered documents. ${instructions}${historyNote}`,
    messages: [{ role: 'user', content: input.question }],
    documents: input.passages.map((passage) => ({ id: passage.id, title: passage.title, text: passage.text })),
    maxOutputTokens: structured ? 700 : 400,
    ...(structured ? { responseFormat: responseFormatOf('agent_finding', agentOutputSchema) } : {}),
  };
}

/** Builds the round-1 finding from the model's output and the evidence checks. */
export function findingOf(
  input: RunAgentInput,
  agent: { id: string; name: string; escalationRules: readonly EscalationRuleLike[] },
  output: AgentDraftOutput,
  call: { llmCall: LlmCall; latencyMs: number; startedAt: string },
): AgentFinding {
  const cited = new Set(output.claims.flatMap((claim) => claim.passageIds));
  const passages = input.passages.filter((passage) => cited.has(passage.id));
  const confidence = findingConfidence(input.question, output.claims, output.modelConfidence);
  const reason = humanNeedOf({ question: input.question, claims: output.claims, confidence, rules: agent.escalationRules, modelReason: output.modelReason });
  const draft = output.draft === null ? agentDraft(agent.name, output.claims, passages) : renumberMarkers(output.draft, input.passages, passages);
  const core = { claims: output.claims, confidence, needsHuman: reason !== null };
  return {
    agentId: agent.id,
    ...core,
    passages,
    llmCall: call.llmCall,
    startedAt: call.startedAt,
    finishedAt: new Date().toISOString(),
    draft,
    needsHumanReason: reason,
    round: 1,
    metrics: metricsOf([call.llmCall], call.latencyMs, core),
  };
}

export function createAgentActivities(dependencies: ActivityDependencies) {
  const { chatModel, eventLog } = dependencies;
  const stages = createStageRecorder(dependencies);
  return {
    /**
     * One specialist drafts findings: claims tied to the passages that support them, a draft, a confidence
     * and whether a human is needed. A real model is asked for schema-checked JSON; the offline model (or
     * invalid JSON) falls back to `[n]`-cited sentences. Runs with the catalog version the router chose
     * (else the repository definition) and records the run for the per-agent metrics.
     */
    async runAgent(input: RunAgentInput): Promise<AgentFinding> {
      const agent = await resolveAgent(dependencies, input.agentId, input.agentVersion);
      if (agent === undefined) throw ApplicationFailure.nonRetryable(`Unknown agent "${input.agentId}"`, FailureType.InvalidInput);
      const started = performance.now();
      const run = { turn: input, agentId: agent.id, round: 1 as const, agentVersion: agent.version };
      try {
        const finding = await draftFinding(input, agent);
        await recordAgentRun(dependencies, { ...run, outcome: 'ok', latencyMs: finding.metrics.latencyMs, calls: [finding.llmCall], confidence: finding.confidence });
        return finding;
      } catch (error) {
        // A later successful attempt replaces this row (see `recordAgentRuns`).
        await recordAgentRun(dependencies, { ...run, outcome: 'failed', latencyMs: performance.now() - started, calls: [], confidence: null });
        throw error;
      }
    },
  };

  async function draftFinding(input: RunAgentInput, agent: RunnableAgent): Promise<AgentFinding> {
    // The agents stage starts with its first agent (published once per turn).
    const startedAt = await stages.started(input, 'agents');
    await publishEvent(eventLog, input, EventType.agentStarted, { agentId: agent.id, name: agent.name, ...(agent.version === null ? {} : { version: agent.version }) }, agent.id);
    const started = performance.now();
    const structured = chatModel.provider !== 'offline';
    const request = agentRequest(input, `You are the ${agent.name} of the support team. ${agent.description}\n${agent.systemPrompt}`, structured);
    const result = await withHeartbeat((abortSignal) => chatModel.generate(request, { abortSignal, context: callContextOf({ ...input, purpose: 'agent', preferredTier: agent.preferredTier }) }));
    const output = readAgentOutput(result, input.passages, structured);
    const llmCall = llmCallOf('agent', result, performance.now() - started, agent.id);
    const finding = findingOf(input, agent, output, { llmCall, latencyMs: performance.now() - started, startedAt });
    await publishEvent(
      eventLog,
      input,
      EventType.agentFinished,
      { agentId: agent.id, claims: finding.claims.length, confidence: finding.confidence, needsHuman: finding.needsHuman, structured: output.structured },
      agent.id,
    );
    return agent.version === null ? finding : { ...finding, agentVersion: agent.version };
  }
}
