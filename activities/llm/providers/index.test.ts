import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeOpenAI } from '../../../test-support/fake-providers/fake-openai.js';
import { OfflineChatModel } from '../offline-model.js';
import {
  AnthropicChatModel,
  LocalEmbeddingModel,
  OllamaChatModel,
  OllamaEmbeddingModel,
  OpenAIChatModel,
  OpenAIEmbeddingModel,
  ProviderConfigurationError,
  configuredChatProviders,
  createChatModel,
  createEmbeddingModel,
  createProviderModels,
  providerSettingsFromEnvironment,
  type ProviderSettings,
} from './index.js';

const settings: ProviderSettings = {
  anthropic: { apiKey: 'sk-ant-test' },
  openai: { apiKey: 'sk-test', baseUrl: 'http://127.0.0.1:1/v1' },
  ollama: { host: 'http://127.0.0.1:11434' },
};

describe('createChatModel and createProviderModels', () => {
  it('builds one adapter per catalog entry, in order, each with its model id', () => {
    const models = createProviderModels(settings, [
      { provider: 'anthropic', modelId: 'claude-haiku' },
      { provider: 'openai', modelId: 'gpt-mini' },
      { provider: 'ollama', modelId: 'llama3.2:3b' },
      { provider: 'offline', modelId: 'offline-extractive-v1' },
      { provider: 'openai', modelId: 'gpt-large' },
    ]);
    expect(models.map((model) => [model.constructor, model.provider, model.modelId])).toEqual([
      [AnthropicChatModel, 'anthropic', 'claude-haiku'],
      [OpenAIChatModel, 'openai', 'gpt-mini'],
      [OllamaChatModel, 'ollama', 'llama3.2:3b'],
      [OfflineChatModel, 'offline', 'offline-extractive-v1'],
      [OpenAIChatModel, 'openai', 'gpt-large'],
    ]);
  });

  it('names the missing setting when a requested provider is not configured', () => {
    expect(() => createChatModel({ provider: 'anthropic', modelId: 'claude-x' })).toThrow(ProviderConfigurationError);
    expect(() => createChatModel({ provider: 'anthropic', modelId: 'claude-x' })).toThrow(/claude-x.*ANTHROPIC_API_KEY/);
    expect(() => createChatModel({ provider: 'openai', modelId: 'gpt-x', openai: { apiKey: ' ' } })).toThrow(/OPENAI_API_KEY/);
    expect(() => createProviderModels({}, [{ provider: 'ollama', modelId: 'llama' }])).toThrow(/OLLAMA_HOST/);
    expect(createChatModel({ provider: 'offline', modelId: 'anything' })).toBeInstanceOf(OfflineChatModel);
  });

  it('lists which providers the settings can serve', () => {
    expect(configuredChatProviders(settings)).toEqual(['anthropic', 'openai', 'ollama', 'offline']);
    expect(configuredChatProviders({ openai: { apiKey: '' } })).toEqual(['offline']);
  });
});

describe('createEmbeddingModel', () => {
  it('builds the OpenAI, Ollama and local adapters, and refuses unconfigured ones', () => {
    expect(createEmbeddingModel({ ...settings, provider: 'openai', modelId: 'text-embedding-3-large' })).toMatchObject({ dimensions: 3072 });
    expect(createEmbeddingModel({ ...settings, provider: 'openai', modelId: 'text-embedding-3-large' })).toBeInstanceOf(OpenAIEmbeddingModel);
    expect(createEmbeddingModel({ ...settings, provider: 'ollama', modelId: 'nomic-embed-text' })).toBeInstanceOf(OllamaEmbeddingModel);
    expect(createEmbeddingModel({ provider: 'local', dimensions: 128 })).toEqual(new LocalEmbeddingModel({ dimensions: 128 }));
    expect(() => createEmbeddingModel({ provider: 'openai', modelId: 'text-embedding-3-small' })).toThrow(/OPENAI_API_KEY/);
  });
});

describe('providerSettingsFromEnvironment', () => {
  it('reads keys, hosts and limits, leaving out providers without them', () => {
    expect(
      providerSettingsFromEnvironment({
        ANTHROPIC_API_KEY: ' sk-ant ',
        OPENAI_API_KEY: '',
        OLLAMA_HOST: 'http://gpu-box:11434',
        AGENTCRAFT_LLM_IDLE_TIMEOUT_MS: '20000',
        AGENTCRAFT_LLM_TIMEOUT_MS: 'soon',
      }),
    ).toEqual({ anthropic: { apiKey: 'sk-ant' }, ollama: { host: 'http://gpu-box:11434' }, offline: { latencyMs: 0 }, idleTimeoutMs: 20_000 });
  });
});

describe('limits from settings reach the adapters', () => {
  let fake: FakeOpenAI;
  beforeAll(async () => {
    fake = await FakeOpenAI.start();
  });
  afterAll(async () => fake.server.close());
  beforeEach(() => fake.server.reset());

  it('applies idleTimeoutMs to streams', async () => {
    fake.streamAnswer({ deltas: ['Hi'], usage: { inputTokens: 1, outputTokens: 1 }, ending: 'stall' });
    const model = createChatModel({ provider: 'openai', modelId: 'gpt-x', openai: { apiKey: 'sk-test', baseUrl: fake.baseUrl }, idleTimeoutMs: 100 });
    const parts: unknown[] = [];
    const failure = await (async () => {
      for await (const part of model.stream({ purpose: 'agent', messages: [{ role: 'user', content: 'Hi' }] })) parts.push(part);
    })().catch((error: unknown) => error);
    expect(parts).toEqual([{ type: 'text-delta', text: 'Hi' }]);
    expect(failure).toMatchObject({ kind: 'stalled', afterFirstToken: true });
    expect((failure as Error).message).toContain('no stream data for 100 ms');
  });
});
