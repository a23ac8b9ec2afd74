/** Builds the AgentCraft worker: the workflows (bundled) and every activity on one task queue. */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { DataConverter } from '@temporalio/common';
import { bundleWorkflowCode, Worker, type NativeConnection, type WorkerInterceptors, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createActivities, type ActivityDependencies } from '../activities/index.js';
import type { Logger } from '../domain/logger.js';
import { noTracingSinks, tracedChatModel, WORKFLOW_INTERCEPTOR_MODULES, type Telemetry } from './telemetry.js';

/** Absolute path of the workflows barrel the worker bundles. */
export const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));
/** The bundle `npm run build` writes beside the compiled code (`dist/workflow-bundle.js`). */
const PREBUILT_BUNDLE_PATH = fileURLToPath(new URL('../workflow-bundle.js', import.meta.url));

/** What `bundleWorkflowCode` is given here and by `npm run bundle:workflows` (the tracing interceptors included). */
export const WORKFLOW_BUNDLE_OPTIONS = { workflowsPath: WORKFLOWS_PATH, workflowInterceptorModules: WORKFLOW_INTERCEPTOR_MODULES };

let cachedBundle: Promise<WorkflowBundleWithSourceMap> | undefined;

/**
 * The workflow code: compiled (`dist/`) processes load the bundle the build made; from source it is
 * bundled once per process (webpack; catches non-deterministic imports early).
 */
export function workflowBundle(logger?: Logger): Promise<WorkflowBundleWithSourceMap> {
  cachedBundle ??= import.meta.url.endsWith('.js')
    ? readFile(PREBUILT_BUNDLE_PATH, 'utf8').then((code) => ({ code, sourceMap: '' }))
    : bundleWorkflowCode({ ...WORKFLOW_BUNDLE_OPTIONS, ...(logger === undefined ? {} : { logger: bundlerLogger(logger) }) });
  return cachedBundle;
}

function bundlerLogger(logger: Logger) {
  const child = logger.child({ component: 'workflow-bundler' });
  const log = (level: 'trace' | 'debug' | 'info' | 'warn' | 'error') => (message: string, meta?: Record<string, unknown>) => child[level](meta ?? {}, message);
  return { log: (_level: string, message: string) => child.debug(message), trace: log('trace'), debug: log('debug'), info: log('debug'), warn: log('warn'), error: log('error') };
}

export interface CreateWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  dependencies: ActivityDependencies;
  logger: Logger;
  /** Upper bound of concurrent activities and local activities (default 100). */
  concurrency?: number;
  identity?: string;
  /** Extra interceptors (benchmarks time activities with one). */
  interceptors?: WorkerInterceptors;
  /** Tracing interceptors and the workflow span sink (see `setupTelemetry`); default: none. */
  telemetry?: Pick<Telemetry, 'workerInterceptors' | 'workerSinks'>;
  /** The payload codec when encryption is configured (see `encryptionDataConverter`); default: none. */
  dataConverter?: DataConverter;
}

export async function createAgentcraftWorker(options: CreateWorkerOptions): Promise<Worker> {
  const concurrency = options.concurrency ?? 100;
  const { telemetry } = options;
  const interceptors = mergeInterceptors(telemetry?.workerInterceptors, options.interceptors);
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    workflowBundle: await workflowBundle(options.logger),
    activities: createActivities(telemetry === undefined ? options.dependencies : { ...options.dependencies, chatModel: tracedChatModel(options.dependencies.chatModel) }),
    maxConcurrentActivityTaskExecutions: concurrency,
    maxConcurrentLocalActivityExecutions: concurrency,
    maxConcurrentWorkflowTaskExecutions: Math.max(2, Math.min(concurrency, 40)),
    maxCachedWorkflows: 1000,
    shutdownGraceTime: '10 seconds',
    ...(options.identity === undefined ? {} : { identity: options.identity }),
    ...(interceptors === undefined ? {} : { interceptors }),
    // The bundled workflow interceptors export through this sink; a no-op one when tracing is off.
    sinks: telemetry?.workerSinks ?? noTracingSinks(),
    ...(options.dataConverter === undefined ? {} : { dataConverter: options.dataConverter }),
  });
}

/** Tracing first, so its activity span wraps the other interceptors (e.g. the benchmark's timer). */
function mergeInterceptors(first: WorkerInterceptors | undefined, second: WorkerInterceptors | undefined): WorkerInterceptors | undefined {
  if (first === undefined || second === undefined) return first ?? second;
  return { ...second, activity: [...(first.activity ?? []), ...(second.activity ?? [])] };
}
