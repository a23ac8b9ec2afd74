/**
 * Vitest global setup of the browser suite: starts the real AgentCraft stack (`workers/embedded.ts`:
 * Temporal dev server, PGlite, worker, API) on free ports with a temporary data directory, serves the
 * built app (`web/dist`) with Vite's preview server proxying `/api` (HTTP and WebSocket) to it, and
 * stops everything afterwards. Tests read the URLs with `inject()`.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PreviewServer } from 'vite';
import type { TestProject } from 'vitest/node';
import { JWT_AUDIENCE, JWT_ISSUER } from './jwt';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    apiUrl: string;
    temporalUiUrl: string;
    /** HS256 secret the stack accepts JWTs with (development mode stays on for credential-less requests). */
    jwtSecret: string;
    /** Origin reserved for an integrator's site (`e2e/auth.e2e.ts` serves it), allowed by the API's CORS. */
    shopUrl: string;
  }
}

const webRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = path.resolve(webRoot, '..');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function waitForReady(url: string, child: ChildProcess, output: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`AgentCraft exited with ${child.exitCode}:\n${output()}`);
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`AgentCraft was not ready at ${url} within ${timeoutMs} ms:\n${output()}`);
}

async function stopStack(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // The whole process group: tsx, the node process and the Temporal dev server it started.
  process.kill(-child.pid, 'SIGINT');
  const timer = setTimeout(() => {
    if (child.exitCode === null && child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
  }, 20_000);
  await exited;
  clearTimeout(timer);
}

/** The stack's last log lines (npm's own warnings left out), so a failed run in CI shows what the server saw. */
function printLogTail(logFile: string, lines = 150): void {
  if (!existsSync(logFile)) return;
  const kept = readFileSync(logFile, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('npm warn'));
  if (kept.length === 0) return;
  process.stdout.write(`\n== AgentCraft stack log (${logFile}), last ${Math.min(lines, kept.length)} of ${kept.length} lines:\n${kept.slice(-lines).join('\n')}\n`);
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (!existsSync(path.join(webRoot, 'dist', 'index.html'))) throw new Error('web/dist is missing: run `npm run build` in web/ first (`npm run e2e` does)');
  const setupTemporal = spawnSync(process.execPath, ['scripts/setup-temporal.mjs'], { cwd: repoRoot, encoding: 'utf8' });
  if (setupTemporal.status !== 0) throw new Error(`Temporal CLI setup failed:\n${setupTemporal.stdout}${setupTemporal.stderr}`);

  const [apiPort, temporalPort, temporalUiPort, webPort, shopPort] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
  const shopUrl = `http://127.0.0.1:${shopPort}`;
  const dataDirectory = mkdtempSync(path.join(tmpdir(), 'agentcraft-e2e-'));
  // The stack's whole log (warnings and errors by default; `E2E_LOG_LEVEL=info` for more), kept apart from the
  // data directory so it outlives the run; its tail is printed at the end when it has anything in it.
  const logFile = process.env.E2E_STACK_LOG ?? path.join(tmpdir(), `agentcraft-e2e-stack-${process.pid}.log`);
  const jwtSecret = randomBytes(32).toString('hex');
  let output = '';
  const child = spawn(path.join(repoRoot, 'node_modules', '.bin', 'tsx'), ['workers/embedded.ts'], {
    cwd: repoRoot,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      PORT: String(apiPort),
      HOST: '127.0.0.1',
      AGENTCRAFT_DATA_DIR: dataDirectory,
      AGENTCRAFT_TEMPORAL_PORT: String(temporalPort),
      AGENTCRAFT_TEMPORAL_UI_PORT: String(temporalUiPort),
      // Slow enough that a test can act while specialists work and the answer streams.
      AGENTCRAFT_OFFLINE_LATENCY_MS: process.env.AGENTCRAFT_OFFLINE_LATENCY_MS ?? '1500',
      LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'warn',
      // Development mode stays on (no credential: the all-roles user), and JWTs are verified too, so the
      // sign-in and widget-token scenarios use real, signed customer tokens.
      AGENTCRAFT_JWT_SECRET: jwtSecret,
      AGENTCRAFT_JWT_ISSUER: JWT_ISSUER,
      AGENTCRAFT_JWT_AUDIENCE: JWT_AUDIENCE,
      AGENTCRAFT_CORS_ORIGINS: shopUrl,
    },
  });
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-20_000);
    appendFileSync(logFile, chunk);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);

  let preview: PreviewServer | undefined;
  try {
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    await waitForReady(`${apiUrl}/readyz`, child, () => output, 180_000);
    process.env.AGENTCRAFT_API_URL = apiUrl;
    const { preview: startPreview } = await import('vite');
    preview = await startPreview({ root: webRoot, configFile: path.join(webRoot, 'vite.config.ts'), logLevel: 'warn', preview: { port: webPort, strictPort: true, host: '127.0.0.1' } });
    project.provide('baseUrl', `http://127.0.0.1:${webPort}`);
    project.provide('apiUrl', apiUrl);
    project.provide('temporalUiUrl', `http://127.0.0.1:${temporalUiPort}`);
    project.provide('jwtSecret', jwtSecret);
    project.provide('shopUrl', shopUrl);
  } catch (error) {
    await stopStack(child);
    rmSync(dataDirectory, { recursive: true, force: true });
    throw error;
  }

  return async () => {
    await preview?.close();
    await stopStack(child);
    rmSync(dataDirectory, { recursive: true, force: true });
    printLogTail(logFile);
  };
}
