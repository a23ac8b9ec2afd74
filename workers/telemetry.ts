/**
 * OpenTelemetry tracing: API request → Temporal client (`StartWorkflow`/`UpdateWithStartWorkflow`) → workflow
 * (`RunWorkflow`, `StartActivity`) → activity (`RunActivity`) → model call (`llm.<purpose>`), through
 * Temporal's official interceptors. Spans are exported over OTLP/HTTP only when `OTEL_EXPORTER_OTLP_ENDPOINT`
 * or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` is set (tests inject an exporter); otherwise nothing is registered
 * and every tracer is a no-op.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { context, propagation, SpanKind, SpanStatusCode, trace, type Span, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor, NoopSpanProcessor, SimpleSpanProcessor, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { WorkflowClientInterceptor } from '@temporalio/client';
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  OpenTelemetryWorkflowClientInterceptor,
  type OpenTelemetrySinks,
} from '@temporalio/interceptors-opentelemetry';
import type { InjectedSinks, WorkerInterceptors } from '@temporalio/worker';
import type { CallOptions, ChatModel, ChatRequest, ChatResult } from '../activities/llm/chat-model.js';

/**
 * The workflow-side interceptors module of the official package. Every workflow bundle has it (histories
 * recorded with it replay only with it); workers whose tracing is off run it without the SDK behind it (see
 * `WorkflowBundleKind` in `create-worker.ts`).
 */
export const WORKFLOW_INTERCEPTOR_MODULES = [createRequire(import.meta.url).resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors')];

/** What the plain workflow bundle resolves the OpenTelemetry SDK to: no-op tracers, synchronous context. */
export const UNTRACED_WORKFLOW_SPANS_MODULE = fileURLToPath(new URL(`./untraced-workflow-spans${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url));

export interface TelemetryOptions {
  /** Used when `OTEL_SERVICE_NAME` is unset (`agentcraft-api`, `agentcraft-worker`…). */
  defaultServiceName: string;
  /** Exports every span synchronously to this exporter (tests); the OTLP exporter is still added when configured. */
  spanExporter?: SpanExporter;
  environment?: NodeJS.ProcessEnv;
}

export interface Telemetry {
  /** False when neither an OTLP endpoint nor an exporter is configured (all tracing is a no-op). */
  readonly enabled: boolean;
  readonly serviceName: string;
  /** The Temporal client interceptor: opens the client span and injects its context into workflow headers. */
  readonly clientInterceptors: { workflow: WorkflowClientInterceptor[] };
  /** Activity interceptors (the workflow ones are in the bundle, see `WORKFLOW_INTERCEPTOR_MODULES`). */
  readonly workerInterceptors: WorkerInterceptors;
  /** The sink the workflow interceptors export their spans through. */
  readonly workerSinks: InjectedSinks<OpenTelemetrySinks>;
  /** Flushes pending spans and stops exporting. */
  shutdown(): Promise<void>;
}

/** The workflow span sink of a worker without tracing (the bundled workflow interceptors still call it). */
export function noTracingSinks(): InjectedSinks<OpenTelemetrySinks> {
  return { exporter: makeWorkflowExporter(new NoopSpanProcessor(), new Resource({})) };
}

/**
 * The OTLP/HTTP traces url the standard variables ask for, if any: `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` as is,
 * else `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/traces`.
 */
export function otlpTracesUrl(environment: NodeJS.ProcessEnv = process.env): string | undefined {
  const traces = environment.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  if (traces) return traces;
  const base = environment.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  return base ? `${base.replace(/\/+$/, '')}/v1/traces` : undefined;
}

/** The span processors for the configuration: OTLP/HTTP (batched) and/or the injected exporter. */
export function spanProcessorsFor(options: TelemetryOptions): SpanProcessor[] {
  const processors: SpanProcessor[] = [];
  const url = otlpTracesUrl(options.environment);
  // JSON over HTTP; the exporter reads OTEL_EXPORTER_OTLP_(TRACES_)HEADERS and timeouts itself.
  if (url !== undefined) processors.push(new BatchSpanProcessor(new OTLPTraceExporter({ url })));
  if (options.spanExporter !== undefined) processors.push(new SimpleSpanProcessor(options.spanExporter));
  return processors;
}

/**
 * Registers the global tracer provider (with the AsyncLocalStorage context manager and W3C propagator)
 * when tracing is configured, and returns the Temporal interceptors and sinks. Call once per process.
 */
export function setupTelemetry(options: TelemetryOptions): Telemetry {
  const environment = options.environment ?? process.env;
  const serviceName = environment.OTEL_SERVICE_NAME?.trim() || options.defaultServiceName;
  const resource = new Resource({ 'service.name': serviceName });
  const processors = spanProcessorsFor({ ...options, environment });
  const provider = processors.length === 0 ? undefined : new NodeTracerProvider({ resource, spanProcessors: processors });
  provider?.register();
  return {
    enabled: provider !== undefined,
    serviceName,
    clientInterceptors: { workflow: [new OpenTelemetryWorkflowClientInterceptor()] },
    workerInterceptors: {
      activity: [(activityContext) => ({ inbound: new OpenTelemetryActivityInboundInterceptor(activityContext), outbound: new OpenTelemetryActivityOutboundInterceptor(activityContext) })],
    },
    workerSinks: provider === undefined ? noTracingSinks() : { exporter: makeWorkflowExporter(multiProcessor(processors), resource) },
    shutdown: async () => {
      await provider?.shutdown();
    },
  };
}

function multiProcessor(processors: SpanProcessor[]): SpanProcessor {
  return {
    onStart: (span, parentContext) => processors.forEach((processor) => processor.onStart(span, parentContext)),
    onEnd: (span) => processors.forEach((processor) => processor.onEnd(span)),
    forceFlush: async () => {
      await Promise.all(processors.map((processor) => processor.forceFlush()));
    },
    shutdown: async () => {
      await Promise.all(processors.map((processor) => processor.shutdown()));
    },
  };
}

/**
 * Wraps the HTTP request listener in a server span (continuing a caller's `traceparent`), active for the
 * whole request: the request and response emitters are bound so body parsing keeps the context.
 */
export function tracedRequestListener(listener: RequestListener, tracer: Tracer = trace.getTracer('agentcraft-api')): RequestListener {
  return (request: IncomingMessage, response: ServerResponse) => {
    const parent = propagation.extract(context.active(), request.headers);
    const method = request.method ?? 'GET';
    const span = tracer.startSpan(method, { kind: SpanKind.SERVER, attributes: { 'http.request.method': method, 'url.path': (request.url ?? '/').split('?')[0] } }, parent);
    const active = trace.setSpan(parent, span);
    response.once('close', () => endRequestSpan(span, request, response));
    context.bind(active, request);
    context.bind(active, response);
    context.with(active, () => listener(request, response));
  };
}

function endRequestSpan(span: Span, request: IncomingMessage, response: ServerResponse): void {
  // Express sets `route` on the request once a route matched: name the span after the template, not the path.
  const route = (request as IncomingMessage & { route?: { path?: unknown } }).route?.path;
  if (typeof route === 'string') {
    span.setAttribute('http.route', route);
    span.updateName(`${request.method ?? 'GET'} ${route}`);
  }
  span.setAttribute('http.response.status_code', response.statusCode);
  if (response.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
  span.end();
}

/** A `ChatModel` whose calls are `llm.<purpose>` spans with provider, model and token attributes. */
export function tracedChatModel(model: ChatModel, tracer: Tracer = trace.getTracer('agentcraft-llm')): ChatModel {
  const started = (request: ChatRequest, options: CallOptions | undefined): Span =>
    tracer.startSpan(`llm.${request.purpose}`, {
      kind: SpanKind.CLIENT,
      attributes: {
        'llm.purpose': request.purpose,
        ...(options?.context === undefined ? {} : { 'agentcraft.turn_id': options.context.turnId, 'agentcraft.conversation_id': options.context.conversationId }),
      },
    });
  const finished = (span: Span, result: ChatResult): void => {
    span.setAttributes({
      'gen_ai.system': result.provider,
      'gen_ai.response.model': result.modelId,
      'gen_ai.usage.input_tokens': result.usage.inputTokens,
      'gen_ai.usage.output_tokens': result.usage.outputTokens,
      'llm.finish_reason': result.finishReason,
      ...(result.attempts === undefined ? {} : { 'llm.attempts': result.attempts.length }),
    });
  };
  const failed = (span: Span, error: unknown): void => {
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
  };
  return {
    get provider() {
      return model.provider;
    },
    get modelId() {
      return model.modelId;
    },
    async generate(request, options) {
      const span = started(request, options);
      try {
        const result = await context.with(trace.setSpan(context.active(), span), () => model.generate(request, options));
        finished(span, result);
        return result;
      } catch (error) {
        failed(span, error);
        throw error;
      } finally {
        span.end();
      }
    },
    async *stream(request, options) {
      const span = started(request, options);
      try {
        for await (const part of model.stream(request, options)) {
          if (part.type === 'finish') finished(span, part.result);
          yield part;
        }
      } catch (error) {
        failed(span, error);
        throw error;
      } finally {
        span.end();
      }
    },
  };
}
