import { expect } from 'vitest';
import type { ChatStreamPart } from '../../activities/llm/chat-model.js';
import { ProviderError } from '../../activities/llm/provider-error.js';
import { ScriptedServer } from './scripted-server.js';

/** Every part of a stream, in order. */
export async function collect(stream: AsyncIterable<ChatStreamPart>): Promise<ChatStreamPart[]> {
  const parts: ChatStreamPart[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

/** The concatenated text deltas. */
export function textOf(parts: ChatStreamPart[]): string {
  return parts.map((part) => (part.type === 'text-delta' ? part.text : '')).join('');
}

/** The ProviderError a promise rejects with (fails the test when it resolves or rejects with something else). */
export async function providerErrorOf(pending: Promise<unknown>): Promise<ProviderError> {
  const error: unknown = await pending.then(
    () => new Error('expected a ProviderError, the call succeeded'),
    (rejection: unknown) => rejection,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

/** A closed loopback port: connecting to it is refused. */
export async function closedPortUrl(): Promise<string> {
  const server = await ScriptedServer.start();
  const url = server.url;
  await server.close();
  return url;
}
