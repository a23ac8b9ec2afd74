/**
 * Builds model adapters from plain settings (the router creates one `ChatModel` per catalog entry, the worker
 * one `EmbeddingModel`). Settings hold secrets and hosts only; which models exist is the catalog's business.
 */
import type { Logger } from '../../../domain/logger.js';
import type { ChatModel } from '../chat-model.js';
import type { EmbeddingModel } from '../embedding-model.js';
import { OfflineChatModel } from '../offline-model.js';
import { AnthropicChatModel } from './anthropic-model.js';
import { LocalEmbeddingModel } from './local-embedding.js';
import { OllamaEmbeddingModel } from './ollama-embedding.js';
import { OllamaChatModel } from './ollama-model.js';
import { OpenAIEmbeddingModel } from './openai-embedding.js';
import { OpenAIChatModel } from './openai-model.js';

export { AnthropicChatModel, type AnthropicModelOptions } from './anthropic-model.js';
export { OpenAIChatModel, type OpenAIModelOptions } from './openai-model.js';
export { OllamaChatModel, type OllamaModelOptions } from './ollama-model.js';
export { OpenAIEmbeddingModel, type OpenAIEmbeddingOptions } from './openai-embedding.js';
export { OllamaEmbeddingModel, type OllamaEmbeddingOptions } from './ollama-embedding.js';
export { LocalEmbeddingModel, type LocalEmbeddingOptions } from './local-embedding.js';
export { DEFAULT_IDLE_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS } from './guarded-stream.js';
export { parseRetryAfterMs } from './provider-failure.js';

/** The chat providers an adapter exists for. */
export const ChatProvider = { anthropic: 'anthropic', openai: 'openai', ollama: 'ollama', offline: 'offline' } as const;
export type ChatProvider = (typeof ChatProvider)[keyof typeof ChatProvider];

/** The embedding providers an adapter exists for. */
export const EmbeddingProvider = { openai: 'openai', ollama: 'ollama', local: 'local' } as const;
export type EmbeddingProvider = (typeof EmbeddingProvider)[keyof typeof EmbeddingProvider];

/** Secrets, hosts and limits of every provider (plain data: from the environment or a config file). */
export interface ProviderSettings {
  anthropic?: { apiKey: string; baseUrl?: string };
  openai?: { apiKey: string; baseUrl?: string };
  ollama?: { host: string };
  offline?: { latencyMs?: number };
  /** Limit for a request to get its response headers, every provider (ms). */
  timeoutMs?: number;
  /** Limit between two stream chunks, every provider (ms); default 15 s. */
  idleTimeoutMs?: number;
  /** Where the vendor SDKs log (they log to `console` otherwise). */
  logger?: Logger;
}

/** A model the router wants an adapter for. */
export interface ModelReference {
  provider: ChatProvider;
  modelId: string;
}

/** A requested provider has no settings (no API key, no host): the message says which variable to set. */
export class ProviderConfigurationError extends Error {
  override readonly name = 'ProviderConfigurationError';
}

const SETTING_HINTS: Record<string, string> = {
  anthropic: 'an Anthropic API key (ANTHROPIC_API_KEY)',
  openai: 'an OpenAI API key (OPENAI_API_KEY)',
  ollama: 'an Ollama host (OLLAMA_HOST)',
};

function missing(provider: string, modelId: string): ProviderConfigurationError {
  return new ProviderConfigurationError(`${provider} model ${modelId} was requested but ${SETTING_HINTS[provider] ?? 'its settings'} is not configured`);
}

function requireKey<T extends { apiKey: string }>(provider: string, modelId: string, settings: T | undefined): T {
  if (settings === undefined || settings.apiKey.trim() === '') throw missing(provider, modelId);
  return settings;
}

/** One `ChatModel` for one catalog entry; throws {@link ProviderConfigurationError} when its provider is not configured. */
export function createChatModel(options: ModelReference & ProviderSettings): ChatModel {
  const { provider, modelId, timeoutMs, idleTimeoutMs, logger } = options;
  const limits = { ...(timeoutMs === undefined ? {} : { timeoutMs }), ...(idleTimeoutMs === undefined ? {} : { idleTimeoutMs }) };
  switch (provider) {
    case 'anthropic': {
      const { apiKey, baseUrl } = requireKey(provider, modelId, options.anthropic);
      return new AnthropicChatModel({ modelId, apiKey, ...(baseUrl ? { baseUrl } : {}), ...limits, ...(logger ? { logger } : {}) });
    }
    case 'openai': {
      const { apiKey, baseUrl } = requireKey(provider, modelId, options.openai);
      return new OpenAIChatModel({ modelId, apiKey, ...(baseUrl ? { baseUrl } : {}), ...limits, ...(logger ? { logger } : {}) });
    }
    case 'ollama': {
      if (options.ollama?.host === undefined || options.ollama.host.trim() === '') throw missing(provider, modelId);
      return new OllamaChatModel({ modelId, host: options.ollama.host, ...limits });
    }
    case 'offline':
      return new OfflineChatModel(options.offline ?? {});
    default:
      throw new ProviderConfigurationError(`unknown chat provider ${String(provider)} for model ${modelId}`);
  }
}

/** One `ChatModel` per reference, in order (the router's catalog); fails on the first unconfigured provider. */
export function createProviderModels(settings: ProviderSettings, models: readonly ModelReference[]): ChatModel[] {
  return models.map((model) => createChatModel({ ...settings, ...model }));
}

/** The chat providers `settings` can build models for (the offline model always can). */
export function configuredChatProviders(settings: ProviderSettings): ChatProvider[] {
  const configured: ChatProvider[] = [];
  if (settings.anthropic?.apiKey) configured.push('anthropic');
  if (settings.openai?.apiKey) configured.push('openai');
  if (settings.ollama?.host) configured.push('ollama');
  configured.push('offline');
  return configured;
}

/** What {@link createEmbeddingModel} needs: the provider, its model id, and (for unknown models) the vector size. */
export interface EmbeddingModelReference {
  provider: EmbeddingProvider;
  /** Ignored by the local model. */
  modelId?: string;
  dimensions?: number;
}

/** One `EmbeddingModel`; throws {@link ProviderConfigurationError} when its provider is not configured. */
export function createEmbeddingModel(options: EmbeddingModelReference & ProviderSettings): EmbeddingModel {
  const { provider, modelId = '', dimensions, timeoutMs, logger } = options;
  const shared = { ...(dimensions === undefined ? {} : { dimensions }), ...(timeoutMs === undefined ? {} : { timeoutMs }) };
  switch (provider) {
    case 'openai': {
      const { apiKey, baseUrl } = requireKey(provider, modelId, options.openai);
      return new OpenAIEmbeddingModel({ modelId, apiKey, ...(baseUrl ? { baseUrl } : {}), ...shared, ...(logger ? { logger } : {}) });
    }
    case 'ollama':
      if (options.ollama?.host === undefined || options.ollama.host.trim() === '') throw missing(provider, modelId);
      return new OllamaEmbeddingModel({ modelId, host: options.ollama.host, ...shared });
    case 'local':
      return new LocalEmbeddingModel(dimensions === undefined ? {} : { dimensions });
    default:
      throw new ProviderConfigurationError(`unknown embedding provider ${String(provider)}`);
  }
}

/**
 * Provider settings from environment variables: `ANTHROPIC_API_KEY`, `ANTHROPIC_BASE_URL`, `OPENAI_API_KEY`,
 * `OPENAI_BASE_URL`, `OLLAMA_HOST`, `AGENTCRAFT_LLM_TIMEOUT_MS`, `AGENTCRAFT_LLM_IDLE_TIMEOUT_MS`,
 * `AGENTCRAFT_OFFLINE_LATENCY_MS`. A provider without its key or host is left out.
 */
export function providerSettingsFromEnvironment(environment: Record<string, string | undefined> = process.env): ProviderSettings {
  const value = (name: string): string | undefined => (environment[name]?.trim() ? environment[name].trim() : undefined);
  const number = (name: string): number | undefined => {
    const parsed = Number(value(name));
    return value(name) !== undefined && Number.isFinite(parsed) && parsed >= 0 ? parsed : undefined;
  };
  const withBase = (apiKey: string | undefined, baseUrl: string | undefined) =>
    apiKey === undefined ? undefined : { apiKey, ...(baseUrl === undefined ? {} : { baseUrl }) };
  const settings: ProviderSettings = {
    anthropic: withBase(value('ANTHROPIC_API_KEY'), value('ANTHROPIC_BASE_URL')),
    openai: withBase(value('OPENAI_API_KEY'), value('OPENAI_BASE_URL')),
    ollama: value('OLLAMA_HOST') === undefined ? undefined : { host: value('OLLAMA_HOST') ?? '' },
    offline: { latencyMs: number('AGENTCRAFT_OFFLINE_LATENCY_MS') ?? 0 },
    timeoutMs: number('AGENTCRAFT_LLM_TIMEOUT_MS'),
    idleTimeoutMs: number('AGENTCRAFT_LLM_IDLE_TIMEOUT_MS'),
  };
  const defined: ProviderSettings = Object.fromEntries(Object.entries(settings).filter(([, entry]) => entry !== undefined));
  return defined;
}
