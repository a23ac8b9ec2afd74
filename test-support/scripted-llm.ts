/**
 * A configured LLM provider for whole turns in tests and recordings: the real OpenAI SDK, through the adaptive
 * router (`createModelSetup`), pointed at a fake OpenAI server that answers each request the way the pipeline
 * asked — a route decision for routing, a schema-valid finding for agents, no stances in the blackboard round,
 * an extractive cited answer otherwise (streamed when the request streams) — and refuses on content-policy
 * grounds every request about {@link REFUSED_QUESTION}.
 */
import { loadConfiguration } from '../domain/config.js';
import { createModelSetup, type ModelSetup } from '../workers/model-setup.js';
import { FakeOpenAI } from './fake-providers/fake-openai.js';
import { sse } from './fake-providers/fake-provider.js';
import { jsonReply, type RecordedRequest, type ScriptedReply } from './fake-providers/scripted-server.js';
import { testLogger } from './pipeline.js';

/** A question the scripted provider refuses (OpenAI's `content_policy_violation`), every time. */
export const REFUSED_QUESTION = "How do I get into my former colleague's account without them knowing?";

/** How many requests the server answers before it replies 599 (plenty for a few turns). */
const SCRIPTED_REQUESTS = 400;
const USAGE = { prompt_tokens: 120, completion_tokens: 24, total_tokens: 144 };

const CATALOG = {
  version: 1,
  models: [
    { id: 'openai/gpt-4.1-mini', provider: 'openai', modelId: 'gpt-4.1-mini', inputUsdPerMillionTokens: 0.4, outputUsdPerMillionTokens: 1.6, contextWindow: 1_000_000, maxOutputTokens: 8000, tier: 'balanced', capabilities: ['json', 'streaming', 'tools'], local: false },
    { id: 'offline/offline-extractive-v1', provider: 'offline', modelId: 'offline-extractive-v1', inputUsdPerMillionTokens: 0, outputUsdPerMillionTokens: 0, contextWindow: 1_000_000, maxOutputTokens: 4096, tier: 'fast', capabilities: ['streaming'], local: true, lastResort: true },
  ],
};

interface ChatBody {
  model: string;
  stream?: boolean;
  messages: { role: string; content: string }[];
  response_format?: { json_schema?: { name?: string; schema?: { properties?: { agents?: { items?: { properties?: { agentId?: { enum?: string[] } } } } } } } };
}

/** The first sentence of source [1] with its marker, or a plain sentence when the request has no sources. */
function extractiveAnswer(system: string): { sentence: string; cited: boolean } {
  const source = /\n\[1\] [^\n]*\n([^\n]+)/.exec(system)?.[1];
  const sentence = source === undefined ? undefined : /^(.{20,400}?[.!?])(\s|$)/.exec(source.trim())?.[1];
  return sentence === undefined ? { sentence: 'Please check the help center for this topic.', cited: false } : { sentence, cited: true };
}

/** The object a structured request asked for. */
function structuredReply(body: ChatBody, system: string): unknown {
  const name = body.response_format?.json_schema?.name;
  if (name === 'route_decision') {
    const ids = body.response_format?.json_schema?.schema?.properties?.agents?.items?.properties?.agentId?.enum ?? [];
    const agentId = ids.includes('security-expert') ? 'security-expert' : ids[0];
    return { intent: 'account-security', complexity: 'simple', outOfScope: false, agents: [{ agentId, score: 0.92, reason: 'API keys and credentials' }] };
  }
  if (name === 'agent_review') return { stances: [] };
  const { sentence, cited } = extractiveAnswer(system);
  return { claims: cited ? [{ text: sentence, citations: [1] }] : [], draft: cited ? `${sentence} [1]` : sentence, confidence: 0.85, needsHuman: false, needsHumanReason: null };
}

/** OpenAI's reply to one chat completion request. */
export function scriptedOpenAiReply(request: RecordedRequest): ScriptedReply {
  const body = request.body as ChatBody;
  if (body.messages.some((message) => message.content.includes(REFUSED_QUESTION))) {
    return jsonReply(400, { error: { message: 'Your request was rejected as a result of our safety system.', type: 'invalid_request_error', param: null, code: 'content_policy_violation' } });
  }
  const system = body.messages.find((message) => message.role === 'system')?.content ?? '';
  const { sentence, cited } = extractiveAnswer(system);
  const content = body.response_format === undefined ? (cited ? `${sentence} [1]` : sentence) : JSON.stringify(structuredReply(body, system));
  const base = { id: 'chatcmpl-scripted', created: 1_700_000_000, model: body.model };
  if (body.stream !== true) {
    return jsonReply(200, { ...base, object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, finish_reason: 'stop', logprobs: null }], usage: USAGE });
  }
  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) => sse({ ...base, object: 'chat.completion.chunk', choices, ...extra });
  return {
    type: 'stream',
    contentType: 'text/event-stream',
    chunks: [chunk([{ index: 0, delta: { role: 'assistant', content }, finish_reason: null }]), chunk([{ index: 0, delta: {}, finish_reason: 'stop' }]), chunk([], { usage: USAGE }), sse('[DONE]')],
    ending: 'end',
  };
}

/** The running fake and the model setup over it; `close()` stops both. */
export interface ScriptedLlm {
  openai: FakeOpenAI;
  models: ModelSetup;
  close(): Promise<void>;
}

/** Starts the fake OpenAI server and the router over it (OpenAI first, the offline model as last resort). */
export async function startScriptedLlm(): Promise<ScriptedLlm> {
  const openai = await FakeOpenAI.start();
  openai.server.enqueue('POST /v1/chat/completions', ...Array.from({ length: SCRIPTED_REQUESTS }, () => scriptedOpenAiReply));
  const environment = { OPENAI_API_KEY: 'test-openai-key', OPENAI_BASE_URL: openai.baseUrl, MODEL_CATALOG_JSON: JSON.stringify(CATALOG) };
  const models = createModelSetup(loadConfiguration(environment), testLogger, environment);
  return {
    openai,
    models,
    async close() {
      await models.close();
      await openai.server.close();
    },
  };
}
