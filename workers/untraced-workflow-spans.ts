/**
 * The OpenTelemetry SDK as the workflow interceptors see it in the plain workflow bundle, the one workers
 * run when their tracing is off (see `WorkflowBundleKind` in `create-worker.ts`): the bundler resolves
 * `@opentelemetry/sdk-trace-base` and `@opentelemetry/core` to this module there.
 *
 * The interceptors themselves stay in every bundle: they put awaits around updates, signals and activity
 * calls, and command order follows those awaits, so a workflow recorded with them replays only with them.
 * Their tracer is what cost: each workflow run evaluated the SDK's modules and built a tracer provider,
 * recorded every span and shipped it to the worker through a sink, and kept an `AsyncLocalStorage` enabled
 * until the run left the worker's cache, which Node then propagated on every promise of every workflow.
 * Here the tracer is the API's no-op tracer (`startActiveSpan` runs its callback synchronously, like the
 * SDK's), nothing is processed or exported, and the context manager is synchronous. Every await, header and
 * command stays the same; only spans that nothing would keep are gone.
 *
 * Workflow code: bundled with the workflows and evaluated inside the workflow sandbox, once per workflow run.
 */
import { context, ProxyTracerProvider, ROOT_CONTEXT, trace, type Context, type ContextManager, type Tracer } from '@opentelemetry/api';

/** Context for synchronous calls only: no span is recorded, so nothing needs it across awaits. */
class SynchronousContextManager implements ContextManager {
  private current: Context = ROOT_CONTEXT;

  active(): Context {
    return this.current;
  }

  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(active: Context, callback: F, thisArgument?: ThisParameterType<F>, ...args: A): ReturnType<F> {
    const previous = this.current;
    this.current = active;
    try {
      return callback.call(thisArgument, ...args);
    } finally {
      this.current = previous;
    }
  }

  bind<T>(active: Context, target: T): T {
    if (typeof target !== 'function') return target;
    const call = target as (...parameters: unknown[]) => unknown;
    return ((...args: unknown[]) => this.with(active, () => call.apply(this, args))) as T;
  }

  enable(): this {
    return this;
  }

  disable(): this {
    this.current = ROOT_CONTEXT;
    return this;
  }
}

/** Stands in for the SDK's `SimpleSpanProcessor`: no span is recorded, so none reaches it. */
export class SimpleSpanProcessor {
  onStart(): void {}

  onEnd(): void {}

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** Stands in for the SDK's `BasicTracerProvider`: the API's no-op tracers and a synchronous context manager. */
export class BasicTracerProvider {
  private readonly tracers = new ProxyTracerProvider();

  addSpanProcessor(): void {}

  /** Registers this provider and, instead of the interceptors' `AsyncLocalStorage` one, a synchronous context manager. */
  register(): void {
    trace.setGlobalTracerProvider(this);
    context.setGlobalContextManager(new SynchronousContextManager());
  }

  getTracer(name: string, version?: string): Tracer {
    return this.tracers.getTracer(name, version);
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** Stands in for `@opentelemetry/core`, of which the interceptors' span exporter reads only the result code. */
export const ExportResultCode = { SUCCESS: 0, FAILED: 1 } as const;
