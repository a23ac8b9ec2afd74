import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveTemporalCli } from '../workers/temporal-cli.js';
import { DEV_SERVER_DYNAMIC_CONFIG, dynamicConfigArguments } from './dev-server-dynamic-config.js';

/** Keys kept in dynamic-config.yaml for older servers only; the pinned server has dropped them. */
const KEYS_FOR_OLDER_SERVERS = ['frontend.enableExecuteMultiOperation'];

/** Top-level keys of dynamic-config.yaml, each of which must hold a list of `- value:` entries. */
async function yamlKeys(): Promise<string[]> {
  const text = await readFile(new URL('./dynamic-config.yaml', import.meta.url), 'utf8');
  const lines = text.split('\n').filter((line) => line.trim() !== '' && !line.trimStart().startsWith('#'));
  const keys: string[] = [];
  for (const [index, line] of lines.entries()) {
    const key = /^([a-zA-Z][\w.]*):\s*$/.exec(line)?.[1];
    if (key === undefined) continue;
    expect(lines[index + 1], `${key} has a value`).toMatch(/^ {2}- value: \S/);
    keys.push(key);
  }
  return keys;
}

describe('dynamic config', () => {
  // The server silently ignores unknown keys, so a typo would go unnoticed: look every key up in the
  // pinned server binary, where each registered setting's key is a string constant.
  let serverBinary: Buffer;
  beforeAll(async () => {
    serverBinary = await readFile(await resolveTemporalCli());
  });

  it('uses only keys the pinned server knows, in the dev server flags', () => {
    const unknown = Object.keys(DEV_SERVER_DYNAMIC_CONFIG).filter((key) => !serverBinary.includes(key));
    expect(unknown).toEqual([]);
  });

  it('uses only keys the pinned server knows, in dynamic-config.yaml', async () => {
    const keys = await yamlKeys();
    expect(keys.length).toBeGreaterThanOrEqual(10);
    const unknown = keys.filter((key) => !KEYS_FOR_OLDER_SERVERS.includes(key) && !serverBinary.includes(key));
    expect(unknown).toEqual([]);
  });

  it('encodes values as JSON, as the CLI requires', () => {
    expect(dynamicConfigArguments({ 'a.flag': true, 'a.count': 1, 'a.name': 'x' })).toEqual([
      '--dynamic-config-value', 'a.flag=true',
      '--dynamic-config-value', 'a.count=1',
      '--dynamic-config-value', 'a.name="x"',
    ]);
  });
});
