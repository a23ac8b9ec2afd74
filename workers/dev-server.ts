/**
 * Runs `temporal server start-dev` as a child process: the embedded mode's Temporal (`npm start`,
 * `npm run temporal`) and the one server the test suite shares. It registers AgentCraft's search
 * attributes and dynamic config at boot, persists to SQLite when given a data directory, and is
 * ready when the frontend answers a namespace describe.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { Connection } from '@temporalio/client';
import { SEARCH_ATTRIBUTE_TYPES } from '../domain/constants.js';
import type { Logger } from '../domain/logger.js';
import { dynamicConfigArguments } from '../temporal-config/dev-server-dynamic-config.js';
import { resolveTemporalCli } from './temporal-cli.js';

/** How to run the dev server. */
export interface DevServerOptions {
  /** Folder for `temporal.sqlite` (created if missing); undefined keeps everything in memory. */
  dataDirectory?: string;
  /** Frontend gRPC port; 0 or undefined picks a free one. */
  port?: number;
  /** Web UI port; undefined means a free port (or `port + 1000`, the CLI default, when `port` is set). */
  uiPort?: number;
  /** No Web UI. */
  headless?: boolean;
  /** Namespace to create besides `default`; readiness waits for it. */
  namespace?: string;
  /** Interface to bind (default `127.0.0.1`: the dev server has no authentication). */
  ip?: string;
  /** Codec server the Web UI calls to decode payloads. */
  uiCodecEndpoint?: string;
  /** How long to wait for readiness (default 60 s). */
  readyTimeoutMs?: number;
  /** The CLI binary (default: {@link resolveTemporalCli}). */
  cliPath?: string;
  /** Receives the server's own output at debug level. */
  logger: Logger;
}

/** A running dev server. */
export interface DevServer {
  /** gRPC `host:port` for `Connection.connect`. */
  address: string;
  /** Web UI URL, or null when headless. */
  uiUrl: string | null;
  /** Process id of the CLI process. */
  pid: number;
  /** SIGTERM, then SIGKILL after 10 s; resolves once the process is gone. Safe to call twice. */
  stop(): Promise<void>;
}

/** Resolved ports and paths: what {@link buildDevServerArguments} turns into flags. */
export interface DevServerSettings {
  ip: string;
  port: number;
  uiPort: number | null;
  databaseFile: string | null;
  namespace: string | null;
  uiCodecEndpoint: string | null;
}

const STOP_GRACE_MS = 10_000;
const OUTPUT_TAIL_LINES = 40;

/** The `temporal` arguments for the given settings (pure; exported for tests and the README). */
export function buildDevServerArguments(settings: DevServerSettings): string[] {
  const commandArguments = ['server', 'start-dev', '--ip', settings.ip, '--port', String(settings.port), '--log-level', 'warn'];
  if (settings.databaseFile) commandArguments.push('--db-filename', settings.databaseFile);
  if (settings.namespace) commandArguments.push('--namespace', settings.namespace);
  if (settings.uiPort === null) commandArguments.push('--headless');
  else commandArguments.push('--ui-port', String(settings.uiPort), '--ui-disable-news-fetch');
  if (settings.uiPort !== null && settings.uiCodecEndpoint) commandArguments.push('--ui-codec-endpoint', settings.uiCodecEndpoint);
  for (const [name, type] of Object.entries(SEARCH_ATTRIBUTE_TYPES)) commandArguments.push('--search-attribute', `${name}=${type}`);
  return [...commandArguments, ...dynamicConfigArguments()];
}

/** Starts the dev server and resolves once it serves requests; rejects with its output if it cannot. */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const settings = await resolveSettings(options);
  const cliPath = options.cliPath ?? (await resolveTemporalCli());
  const child = spawn(cliPath, buildDevServerArguments(settings), { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = whenExited(child);
  const killOnParentExit = (): void => void child.kill('SIGKILL');
  process.on('exit', killOnParentExit);
  void exited.then(() => process.off('exit', killOnParentExit));
  const spawnFailure = new Promise<never>((_, reject) => child.once('error', reject));
  const logger = options.logger.child({ component: 'temporal-dev-server', childPid: child.pid });
  child.on('error', (error) => logger.warn({ err: error }, 'Temporal dev server process error'));
  const tail = pipeOutput(child, logger);
  const address = `${connectHost(settings.ip)}:${settings.port}`;
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => (stopping ??= terminate(child, exited));
  try {
    await Promise.race([
      spawnFailure,
      waitUntilReady(address, settings.namespace ?? 'default', exited, options.readyTimeoutMs ?? 60_000),
    ]);
  } catch (error) {
    await stop();
    const output = tail.length > 0 ? `\nLast output of \`${cliPath} ${buildDevServerArguments(settings).join(' ')}\`:\n${tail.join('\n')}` : '';
    throw new Error(`${(error as Error).message}${output}`, { cause: error });
  }
  const uiUrl = settings.uiPort === null ? null : `http://${connectHost(settings.ip)}:${settings.uiPort}`;
  logger.debug({ address, uiUrl, databaseFile: settings.databaseFile }, 'Temporal dev server ready');
  return { address, uiUrl, pid: child.pid ?? -1, stop };
}

async function resolveSettings(options: DevServerOptions): Promise<DevServerSettings> {
  const ip = options.ip ?? '127.0.0.1';
  const port = options.port ? await assertPortFree(ip, options.port, 'gRPC') : await findFreePort(ip);
  let uiPort: number | null = null;
  if (!options.headless) {
    const requested = options.uiPort ?? (options.port ? options.port + 1000 : undefined);
    uiPort = requested ? await assertPortFree(ip, requested, 'Web UI') : await findFreePort(ip);
  }
  let databaseFile: string | null = null;
  if (options.dataDirectory !== undefined) {
    const directory = path.resolve(options.dataDirectory);
    await mkdir(directory, { recursive: true });
    databaseFile = path.join(directory, 'temporal.sqlite');
  }
  const namespace = options.namespace && options.namespace !== 'default' ? options.namespace : null;
  return { ip, port, uiPort, databaseFile, namespace, uiCodecEndpoint: options.uiCodecEndpoint ?? null };
}

/** A port the OS reports free right now (the server binds it moments later). */
export async function findFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Fails fast on a taken port. Without this, readiness could be answered by whatever already listens
 * there (often another dev server), while our child quietly exits with "address already in use".
 */
async function assertPortFree(ip: string, port: number, role: string): Promise<number> {
  const taken = await new Promise<boolean>((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(true));
    server.listen(port, ip, () => server.close(() => resolve(false)));
  });
  if (taken) {
    throw new Error(
      `Cannot start the Temporal dev server: ${role} port ${port} on ${ip} is already in use ` +
        '(another Temporal server?). Stop it, choose other ports (AGENTCRAFT_TEMPORAL_PORT / ' +
        'AGENTCRAFT_TEMPORAL_UI_PORT), or use it via TEMPORAL_ADDRESS.',
    );
  }
  return port;
}

function connectHost(ip: string): string {
  if (ip === '0.0.0.0') return '127.0.0.1';
  if (ip === '::') return '[::1]';
  return ip.includes(':') ? `[${ip}]` : ip;
}

/** Logs every output line at debug level and keeps the last few for error messages. */
function pipeOutput(child: ChildProcess, logger: Logger): string[] {
  const tail: string[] = [];
  for (const [stream, readable] of [['stdout', child.stdout], ['stderr', child.stderr]] as const) {
    if (!readable) continue;
    createInterface({ input: readable, crlfDelay: Infinity }).on('line', (line) => {
      logger.debug({ stream }, line);
      tail.push(line);
      if (tail.length > OUTPUT_TAIL_LINES) tail.shift();
    });
  }
  return tail;
}

/** Polls until the frontend answers `DescribeNamespace`, the process exits, or time runs out. */
async function waitUntilReady(address: string, namespace: string, exited: Promise<number | string>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitStatus: number | string | undefined;
  void exited.then((status) => (exitStatus = status));
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (exitStatus !== undefined) throw new Error(`Temporal dev server exited (${exitStatus}) before it was ready at ${address}.`);
    try {
      await describeNamespaceOnce(address, namespace, Math.min(2_000, Math.max(1, deadline - Date.now())));
      return;
    } catch (error) {
      lastError = error;
      await sleep(100);
    }
  }
  const reason = lastError instanceof Error ? ` Last error: ${lastError.message}` : '';
  throw new Error(`Temporal dev server was not ready at ${address} within ${timeoutMs} ms.${reason}`);
}

async function describeNamespaceOnce(address: string, namespace: string, timeoutMs: number): Promise<void> {
  // No retry interceptor: this loop is the retry, and each attempt must stay short.
  const connection = await Connection.connect({ address, connectTimeout: timeoutMs, interceptors: [] });
  try {
    await connection.withDeadline(Date.now() + timeoutMs, () => connection.workflowService.describeNamespace({ namespace }));
  } finally {
    await connection.close();
  }
}

/**
 * Resolves with the exit code or signal once the process is gone and its output fully read ('close',
 * not 'exit', so an early-exit error carries the last lines); also when it never started.
 */
function whenExited(child: ChildProcess): Promise<number | string> {
  return new Promise((resolve) => {
    child.once('close', (code, signal) => resolve(code ?? signal ?? 'unknown'));
    child.once('error', (error) => {
      if (child.pid === undefined) resolve(`not started: ${error.message}`);
    });
  });
}

async function terminate(child: ChildProcess, exited: Promise<number | string>): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<true>((resolve) => (timer = setTimeout(resolve, STOP_GRACE_MS, true)));
  try {
    if ((await Promise.race([exited, timedOut])) === true) {
      child.kill('SIGKILL');
      await exited;
    }
  } finally {
    clearTimeout(timer);
  }
}
