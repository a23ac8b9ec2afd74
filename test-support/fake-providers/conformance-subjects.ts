/**
 * The adapters under conformance test, each paired with its fake server: how to build the adapter against
 * the fake, and how to read a vendor request body back into vendor-neutral terms for shared assertions.
 */
import { AnthropicChatModel } from '../../activities/llm/providers/anthropic-model.js';
import { OllamaChatModel } from '../../activities/llm/providers/ollama-model.js';
import { OpenAIChatModel } from '../../activities/llm/providers/openai-model.js';
import type { ChatModel } from '../../activities/llm/chat-model.js';
import type { Logger } from '../../domain/logger.js';
import type { ProviderErrorKind } from '../../activities/llm/provider-error.js';
import { FakeAnthropic } from './fake-anthropic.js';
import { FakeOllama } from './fake-ollama.js';
import { FakeOpenAI } from './fake-openai.js';
import type { FakeChatProvider, ScriptedFailure } from './fake-provider.js';

/** Limits an adapter is built with in a test. */
export interface TestLimits {
  timeoutMs: number;
  idleTimeoutMs: number;
  /** Where the SDK logs go (ollama-js has no logger option). */
  logger?: Logger;
}

/** A request body read back into vendor-neutral terms. */
export interface RequestView {
  model: unknown;
  system: string | undefined;
  messages: { role: string; content: string }[];
  maxOutputTokens: unknown;
  temperature: unknown;
  stream: boolean;
  /** The JSON Schema the request asked the vendor to follow (native mode), if any. */
  jsonSchema: unknown;
}

export interface NetworkSubject {
  name: 'anthropic' | 'openai' | 'ollama';
  start(): Promise<FakeChatProvider>;
  create(baseUrl: string, limits: TestLimits): ChatModel;
  view(body: Record<string, unknown>): RequestView;
  /** Failure kinds the vendor can express (static, so test tables can be built before the fake starts). */
  failures: ReadonlySet<ScriptedFailure['kind']>;
  /** What an error event inside a stream maps to. */
  midStreamErrorKind: ProviderErrorKind;
  /** False where the SDK silently skips unparsable stream lines (ollama-js does). */
  detectsMalformedStreamChunk: boolean;
}

type Message = { role: string; content: string };

function splitSystem(messages: Message[]): { system: string | undefined; messages: Message[] } {
  const system = messages.filter((message) => message.role === 'system').map((message) => message.content);
  return { system: system.length > 0 ? system.join('\n\n') : undefined, messages: messages.filter((message) => message.role !== 'system') };
}

const ALL_FAILURES = new Set<ScriptedFailure['kind']>(['rate-limited', 'overloaded', 'server', 'authentication', 'bad-request', 'context-length', 'content-policy', 'malformed', 'status']);

export const NETWORK_SUBJECTS: NetworkSubject[] = [
  {
    name: 'anthropic',
    start: () => FakeAnthropic.start(),
    create: (baseUrl, limits) => new AnthropicChatModel({ modelId: 'claude-test-1', apiKey: 'sk-ant-test', baseUrl, ...limits }),
    view: (body) => {
      const tools = body.tools as { input_schema?: unknown }[] | undefined;
      return {
        model: body.model,
        system: body.system as string | undefined,
        messages: body.messages as Message[],
        maxOutputTokens: body.max_tokens,
        temperature: body.temperature,
        stream: body.stream === true,
        jsonSchema: tools?.[0]?.input_schema,
      };
    },
    failures: ALL_FAILURES,
    midStreamErrorKind: 'overloaded',
    detectsMalformedStreamChunk: true,
  },
  {
    name: 'openai',
    start: () => FakeOpenAI.start(),
    create: (baseUrl, limits) => new OpenAIChatModel({ modelId: 'gpt-test-1', apiKey: 'sk-test', baseUrl, ...limits }),
    view: (body) => {
      const format = body.response_format as { json_schema?: { schema?: unknown } } | undefined;
      return {
        model: body.model,
        ...splitSystem(body.messages as Message[]),
        maxOutputTokens: body.max_completion_tokens,
        temperature: body.temperature,
        stream: body.stream === true,
        jsonSchema: format?.json_schema?.schema,
      };
    },
    failures: ALL_FAILURES,
    midStreamErrorKind: 'server',
    detectsMalformedStreamChunk: true,
  },
  {
    name: 'ollama',
    start: () => FakeOllama.start(),
    create: (baseUrl, { timeoutMs, idleTimeoutMs }) => new OllamaChatModel({ modelId: 'llama-test:1b', host: baseUrl, timeoutMs, idleTimeoutMs }),
    view: (body) => {
      const options = body.options as { num_predict?: unknown; temperature?: unknown } | undefined;
      return {
        model: body.model,
        ...splitSystem(body.messages as Message[]),
        maxOutputTokens: options?.num_predict,
        temperature: options?.temperature,
        stream: body.stream === true,
        jsonSchema: body.format,
      };
    },
    failures: new Set([...ALL_FAILURES].filter((kind) => kind !== 'content-policy')),
    midStreamErrorKind: 'server',
    detectsMalformedStreamChunk: false,
  },
];
