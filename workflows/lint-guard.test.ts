/** The lint rule that keeps workflow code deterministic actually fires (CI runs the same config). */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: new URL('..', import.meta.url).pathname });

async function ruleIdsFor(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((message) => message.ruleId ?? 'fatal');
}

describe('lint guard for workflows/', () => {
  it.each([
    "import { readFile } from 'node:fs/promises';\nexport const read = readFile;\n",
    "import crypto from 'crypto';\nexport const id = crypto.randomUUID;\n",
    "import { createActivities } from '../activities/index.js';\nexport const all = createActivities;\n",
  ])('rejects %j in workflow code', async (code) => {
    expect(await ruleIdsFor(code, 'workflows/conversation.workflow.ts')).toContain('no-restricted-imports');
  });

  it('allows type-only imports from activities and the workflow SDK', async () => {
    const code = "import type { Activities } from '../activities/index.js';\nimport { sleep } from '@temporalio/workflow';\nexport type A = Activities;\nexport const pause = sleep;\n";
    expect(await ruleIdsFor(code, 'workflows/conversation.workflow.ts')).toEqual([]);
  });

  it('lets activities use Node built-ins', async () => {
    expect(await ruleIdsFor("import { readFile } from 'node:fs/promises';\nexport const read = readFile;\n", 'activities/index.ts')).toEqual([]);
  });
});
