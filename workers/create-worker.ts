/** Builds the AgentCraft worker: the workflows (bundled) and every activity on one task queue. */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { DataConverter } from '@temporalio/common';
import { bundleWorkflowCode, Worker, type BundleOptions, type NativeConnection, type WorkerInterceptors, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createActivities, type ActivityDependencies } from '../activities/index.js';
import type { Logger } from '../domain/logger.js';
import { noTracingSinks, tracedChatModel, UNTRACED_WORKFLOW_SPANS_MODULE, WORKFLOW_INTERCEPTOR_MODULES, type Telemetry } from './telemetry.js';

/** Absolute path of the workflows barrel the worker bundles. */
export const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

/**
 * The two workflow bundles. Both run the OpenTelemetry workflow interceptors: they add awaits around updates,
 * signals and activity calls, and command order follows those awaits, so every history recorded with them
 * replays only with them. `traced` gives them the real SDK, which records and exports their spans. `plain`,
 * for workers whose tracing is off, resolves the SDK to `untraced-workflow-spans.ts` (no-op tracer, synchronous
 * context): with the real one, every workflow run's tracer, spans and context propagation cost more worker CPU
 * than the rest of a turn's workflow code, for spans nothing kept.
 */
export const WorkflowBundleKind = { plain: 'plain', traced: 'traced' } as const;
export type WorkflowBundleKind = (typeof WorkflowBundleKind)[keyof typeof WorkflowBundleKind];

/** The OpenTelemetry SDK packages the interceptors import, and what the plain bundle resolves them to. */
export const UNTRACED_SDK_ALIASES: Record<string, string> = {
  '@opentelemetry/sdk-trace-base$': UNTRACED_WORKFLOW_SPANS_MODULE,
  '@opentelemetry/core$': UNTRACED_WORKFLOW_SPANS_MODULE,
};

/** What `bundleWorkflowCode` is given here and by `npm run bundle:workflows`, per kind. */
export function workflowBundleOptions(kind: WorkflowBundleKind = WorkflowBundleKind.plain): Pick<BundleOptions, 'workflowsPath' | 'workflowInterceptorModules' | 'webpackConfigHook'> {
  const options = { workflowsPath: WORKFLOWS_PATH, workflowInterceptorModules: WORKFLOW_INTERCEPTOR_MODULES };
  if (kind === WorkflowBundleKind.traced) return options;
  return {
    ...options,
    webpackConfigHook: (config) => ({ ...config, resolve: { ...config.resolve, alias: { ...(config.resolve?.alias as Record<string, string | false>), ...UNTRACED_SDK_ALIASES } } }),
  };
}

/** The file name of each kind's bundle, which `npm run build` writes beside the compiled code (`dist/`). */
export const PREBUILT_BUNDLE_FILES: Record<WorkflowBundleKind, string> = { plain: 'workflow-bundle.js', traced: 'workflow-bundle-traced.js' };

const cachedBundles = new Map<WorkflowBundleKind, Promise<WorkflowBundleWithSourceMap>>();

/**
 * The workflow code: compiled (`dist/`) processes load the bundle the build made; from source it is
 * bundled once per process and kind (webpack; catches non-deterministic imports early).
 */
export function workflowBundle(logger?: Logger, kind: WorkflowBundleKind = WorkflowBundleKind.plain): Promise<WorkflowBundleWithSourceMap> {
  let bundle = cachedBundles.get(kind);
  if (bundle === undefined) {
    bundle = import.meta.url.endsWith('.js')
      ? readFile(fileURLToPath(new URL(`../${PREBUILT_BUNDLE_FILES[kind]}`, import.meta.url)), 'utf8').then((code) => ({ code, sourceMap: '' }))
      : bundleWorkflowCode({ ...workflowBundleOptions(kind), ...(logger === undefined ? {} : { logger: bundlerLogger(logger) }) });
    cachedBundles.set(kind, bundle);
  }
  return bundle;
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
  /**
   * Tracing interceptors and the workflow span sink (see `setupTelemetry`); default: none. Used only when
   * `enabled` (an exporter is configured): otherwise the worker runs the plain bundle and no activity tracing.
   */
  telemetry?: Pick<Telemetry, 'enabled' | 'workerInterceptors' | 'workerSinks'>;
  /** The payload codec when encryption is configured (see `encryptionDataConverter`); default: none. */
  dataConverter?: DataConverter;
}

export async function createAgentcraftWorker(options: CreateWorkerOptions): Promise<Worker> {
  const concurrency = options.concurrency ?? 100;
  const telemetry = options.telemetry?.enabled === true ? options.telemetry : undefined;
  const interceptors = mergeInterceptors(telemetry?.workerInterceptors, options.interceptors);
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    workflowBundle: await workflowBundle(options.logger, telemetry === undefined ? WorkflowBundleKind.plain : WorkflowBundleKind.traced),
    activities: createActivities(telemetry === undefined ? options.dependencies : { ...options.dependencies, chatModel: tracedChatModel(options.dependencies.chatModel) }),
    maxConcurrentActivityTaskExecutions: concurrency,
    maxConcurrentLocalActivityExecutions: concurrency,
    maxConcurrentWorkflowTaskExecutions: Math.max(2, Math.min(concurrency, 40)),
    maxCachedWorkflows: 1000,
    shutdownGraceTime: '10 seconds',
    ...(options.identity === undefined ? {} : { identity: options.identity }),
    ...(interceptors === undefined ? {} : { interceptors }),
    // The traced bundle's workflow interceptors export through this sink; a no-op one when tracing is off.
    sinks: telemetry?.workerSinks ?? noTracingSinks(),
    ...(options.dataConverter === undefined ? {} : { dataConverter: options.dataConverter }),
  });
}

/** Tracing first, so its activity span wraps the other interceptors (e.g. the benchmark's timer). */
function mergeInterceptors(first: WorkerInterceptors | undefined, second: WorkerInterceptors | undefined): WorkerInterceptors | undefined {
  if (first === undefined || second === undefined) return first ?? second;
  return { ...second, activity: [...(first.activity ?? []), ...(second.activity ?? [])] };
}
