import { ApplicationFailure } from '@temporalio/activity';
import { EventType } from '../../domain/constants.js';
import { FailureType } from '../../domain/failure-types.js';
import type { AgentFinding, Claim, LlmCall, Passage } from '../../domain/types.js';
import type { ActivityDependencies } from '../dependencies.js';
import { currentAttempt, publishEvent, type TurnRef } from '../events/publisher.js';
import type { ChatRequest, ChatResult } from '../llm/chat-model.js';
import { withHeartbeat } from '../llm/heartbeat.js';
import { parseCitedSentences } from '../llm/offline-model.js';
import { terms } from '../llm/text.js';
import { createStageRecorder } from '../turn/stage-recorder.js';
import { findAgent } from './catalog.js';

export interface RunAgentInput extends TurnRef {
  agentId: string;
  question: string;
  /** Grounding passages (knowledge and web), best first. */
  passages: Passage[];
  /** Earlier messages of this customer: context for the agent, never cited as a source. */
  history: Passage[];
}

/** Turns `[n]`-cited model output into claims that point at passage ids; drops out-of-range markers. */
export function claimsFromCitedText(text: string, documents: { id: string }[]): Claim[] {
  return parseCitedSentences(text).map((sentence) => ({
    text: sentence.text,
    passageIds: [...new Set(sentence.documentNumbers.map((number) => documents[number - 1]?.id).filter((id): id is string => id !== undefined))],
  }));
}

/** Share of the question's terms that the claims cover: the core of every confidence score here. */
export function questionCoverage(question: string, texts: string[]): number {
  const wanted = new Set(terms(question));
  if (wanted.size === 0) return 0;
  const found = new Set(texts.flatMap((text) => terms(text)));
  let covered = 0;
  for (const term of wanted) if (found.has(term)) covered += 1;
  return covered / wanted.size;
}

/** Records one model call for the trace. Offline calls cost nothing; the LLM-router issue adds prices. */
export function llmCallOf(purpose: string, result: ChatResult, latencyMs: number, agentId?: string): LlmCall {
  return {
    purpose,
    provider: result.provider,
    modelId: result.modelId,
    usage: result.usage,
    costUsd: 0,
    latencyMs: Math.round(latencyMs),
    attempt: currentAttempt(),
    ...(agentId === undefined ? {} : { agentId }),
  };
}

function agentRequest(input: RunAgentInput, system: string): ChatRequest {
  const historyNote =
    input.history.length === 0 ? '' : `\nThe customer asked before: ${input.history.map((passage) => passage.text).join(' | ')}`;
  return {
    purpose: 'agent',
    system: `${system}\nAnswer only from the numbered documents and cite each sentence as [n].${historyNote}`,
    messages: [{ role: 'user', content: input.question }],
    documents: input.passages.map((passage) => ({ id: passage.id, title: passage.title, text: passage.text })),
    maxOutputTokens: 400,
  };
}

export function createAgentActivities(dependencies: ActivityDependencies) {
  const { chatModel, eventLog } = dependencies;
  const stages = createStageRecorder(dependencies);
  return {
    /** One specialist drafts findings: claims, each tied to the passages that support it. */
    async runAgent(input: RunAgentInput): Promise<AgentFinding> {
      const agent = findAgent(input.agentId);
      if (agent === undefined) throw ApplicationFailure.nonRetryable(`Unknown agent "${input.agentId}"`, FailureType.InvalidInput);
      // The agents stage starts with its first agent (published once per turn).
      const startedAt = await stages.started(input, 'agents');
      await publishEvent(eventLog, input, EventType.agentStarted, { agentId: agent.id, name: agent.name }, agent.id);
      const started = performance.now();
      const request = agentRequest(input, `You are the ${agent.name} of the support team. ${agent.description}`);
      const result = await withHeartbeat((abortSignal) => chatModel.generate(request, { abortSignal }));
      const claims = claimsFromCitedText(result.text, input.passages).filter((claim) => claim.passageIds.length > 0);
      const cited = new Set(claims.flatMap((claim) => claim.passageIds));
      const finding: AgentFinding = {
        agentId: agent.id,
        claims,
        passages: input.passages.filter((passage) => cited.has(passage.id)),
        confidence: claims.length === 0 ? 0 : Number(questionCoverage(input.question, claims.map((claim) => claim.text)).toFixed(3)),
        llmCall: llmCallOf('agent', result, performance.now() - started, agent.id),
        startedAt,
        finishedAt: new Date().toISOString(),
      };
      await publishEvent(
        eventLog,
        input,
        EventType.agentFinished,
        { agentId: agent.id, claims: claims.length, confidence: finding.confidence },
        agent.id,
      );
      return finding;
    },
  };
}
