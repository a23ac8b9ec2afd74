/**
 * Vitest global setup: one headless, in-memory Temporal dev server (with AgentCraft's search
 * attributes and dynamic config) for the whole run. Tests reach it through `test-support/temporal.ts`.
 * If the CLI has not been provisioned yet (`npx vitest` without `npm test`), runs
 * `scripts/setup-temporal.mjs` first, so a clean clone works either way.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { createLogger } from '../domain/logger.js';
import { startDevServer } from '../workers/dev-server.js';
import { resolveTemporalCli } from '../workers/temporal-cli.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** `host:port` of the shared Temporal dev server. */
    temporalAddress: string;
  }
}

/** Starts the shared services; the returned function stops them after the run. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const logger = createLogger({ name: 'test-temporal', level: process.env.LOG_LEVEL ?? 'warn' });
  const server = await startDevServer({ headless: true, cliPath: await provisionedTemporalCli(), logger });
  project.provide('temporalAddress', server.address);
  return () => server.stop();
}

async function provisionedTemporalCli(): Promise<string> {
  try {
    return await resolveTemporalCli();
  } catch {
    const script = fileURLToPath(new URL('../scripts/setup-temporal.mjs', import.meta.url));
    const result = spawnSync(process.execPath, [script], { stdio: 'inherit' });
    if (result.status !== 0) throw new Error(`Temporal CLI provisioning failed (node ${script} exited ${result.status ?? result.signal}).`);
    return resolveTemporalCli();
  }
}
