import { readdir, readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parseHistory, replayHistory } from '../workers/replay.js';

const fixtures = new URL('./__fixtures__/', import.meta.url);
const files = (await readdir(fixtures)).filter((file) => file.endsWith('-history.json')).sort();

describe('saved workflow histories replay against the current code', () => {
  it('has histories of both workflows, for every recorded version', () => {
    const labels = [...new Set(files.map((file) => file.split('-')[0]))];
    expect(labels.length).toBeGreaterThanOrEqual(1);
    for (const label of labels) {
      // Every version has these three; later versions add histories of newer paths (out-of-scope and webhooks, v5;
      // routing as a regular activity with a provider, and a turn the provider refuses, v6).
      expect(files.filter((file) => file.startsWith(`${label}-`))).toEqual(
        expect.arrayContaining([`${label}-conversation-history.json`, `${label}-turn-answered-history.json`, `${label}-turn-escalated-history.json`]),
      );
    }
  });

  it.each(files)('%s replays without nondeterminism', async (file) => {
    const history = parseHistory(JSON.parse(await readFile(new URL(file, fixtures), 'utf8')) as unknown);
    // A real run, not a stub: even the shortest path (an out-of-scope decline) has a dozen events.
    expect((history as { events?: unknown[] }).events?.length).toBeGreaterThanOrEqual(8);
    expect(await replayHistory(history, file)).toEqual({ workflowId: file, error: null });
  });
});
