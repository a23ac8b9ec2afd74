import { describe, expect, it } from 'vitest';
import { decodeEvent, encodeEvent, EventEncodingError, toConversationEvent } from './event-codec.js';
import { sampleEvent } from './event-log-test-helpers.js';

describe('event codec', () => {
  it('round-trips an event and adds seq and conversationId', () => {
    const json = encodeEvent(sampleEvent(3));
    expect(JSON.parse(json)).toEqual(sampleEvent(3));
    expect(toConversationEvent('conversation-1', 4, json)).toEqual({ ...sampleEvent(3), seq: 4, conversationId: 'conversation-1' });
  });

  it('stores only the event fields', () => {
    const withExtras = { ...sampleEvent(0), seq: 99, conversationId: 'spoofed' };
    expect(JSON.parse(encodeEvent(withExtras))).toEqual(sampleEvent(0));
  });

  it('rejects events that cannot be stored', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => encodeEvent({ ...sampleEvent(0), payload: cyclic })).toThrow(EventEncodingError);
    expect(() => encodeEvent({ ...sampleEvent(0), turnId: '' })).toThrow(/turnId/);
  });

  it.each([
    ['not JSON', '{', /not valid JSON/],
    ['an array', '[]', /invalid/],
    ['an unknown type', JSON.stringify({ ...sampleEvent(0), type: 'made-up' }), /type/],
    ['a payload that is not an object', JSON.stringify({ ...sampleEvent(0), payload: 'text' }), /payload/],
  ])('rejects stored text that is %s', (_label, json, message) => {
    expect(() => decodeEvent(json)).toThrow(EventEncodingError);
    expect(() => decodeEvent(json)).toThrow(message);
  });
});
