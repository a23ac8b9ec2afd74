/** Runs AgentCraft entry points as real child processes (for crash and scale-out tests). */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface ManagedProcess {
  child: ChildProcess;
  /** Everything the process printed so far (stdout and stderr). */
  output(): string;
  /** Resolves once the output matches, rejects if the process exits first or the timeout passes. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** SIGKILL, like a crashed host. */
  kill9(): Promise<void>;
  /** SIGTERM and wait for exit. */
  stop(): Promise<void>;
}

/**
 * Starts `node --import tsx <entry>` (one process, so a kill reaches the real program). Unless the environment
 * names one, each process gets its own throw-away `AGENTCRAFT_DATA_DIR` (LanceDB, routing model cache), never
 * the project's `./data`, and removed when the process is stopped; pass `LANCEDB_PATH` to share a vector store.
 */
export function startProcess(entry: string, environment: Record<string, string>): ManagedProcess {
  const dataDirectory = environment.AGENTCRAFT_DATA_DIR === undefined ? mkdtempSync(path.join(tmpdir(), 'agentcraft-process-')) : undefined;
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, LOG_LEVEL: 'info', ...(dataDirectory === undefined ? {} : { AGENTCRAFT_DATA_DIR: dataDirectory }), ...environment },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const removeDataDirectory = () => {
    if (dataDirectory !== undefined) rmSync(dataDirectory, { recursive: true, force: true });
  };
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve())).then(removeDataDirectory);
  return {
    child,
    output: () => output,
    waitForOutput(pattern, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => finish(new Error(`timed out waiting for ${pattern} from ${entry}; output:\n${output.slice(-3000)}`)), timeoutMs);
        const check = () => {
          if (pattern.test(output)) finish();
        };
        const onExit = () => finish(new Error(`${entry} exited before printing ${pattern}; output:\n${output.slice(-3000)}`));
        function finish(error?: Error) {
          clearTimeout(timer);
          child.stdout?.off('data', check);
          child.stderr?.off('data', check);
          child.off('exit', onExit);
          if (error === undefined) resolve();
          else reject(error);
        }
        child.stdout?.on('data', check);
        child.stderr?.on('data', check);
        child.once('exit', onExit);
        check();
      });
    },
    async kill9() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
