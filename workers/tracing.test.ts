/**
 * Tracing end to end: one chat turn through the API and a real worker makes one trace (HTTP request →
 * Temporal client → workflows → activities → model calls) and the log lines of that turn carry its trace id.
 * The OTLP exporter is checked against a real HTTP receiver on loopback.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { SpanKind } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startApiServer, type RunningApiServer } from '../api/server.js';
import { createLogger } from '../domain/logger.js';
import { startTestPipeline, type TestPipeline } from '../test-support/pipeline.js';
import { otlpTracesUrl, setupTelemetry, spanProcessorsFor, type Telemetry } from './telemetry.js';

const exporter = new InMemorySpanExporter();
const logLines: Record<string, unknown>[] = [];
const logger = createLogger({
  level: 'info',
  name: 'tracing-test',
  destination: new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logLines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      callback();
    },
  }),
});

let telemetry: Telemetry;
let pipeline: TestPipeline;
let api: RunningApiServer;

beforeAll(async () => {
  telemetry = setupTelemetry({ defaultServiceName: 'agentcraft-test', spanExporter: exporter, environment: {} });
  pipeline = await startTestPipeline({ telemetry, logger });
  api = await startApiServer({
    temporal: pipeline.client,
    store: pipeline.store,
    eventLog: pipeline.eventLog,
    configuration: { temporal: { taskQueue: pipeline.taskQueue, namespace: 'default' }, waitTimeoutMs: 30_000 },
    logger,
    port: 0,
  });
});

afterAll(async () => {
  await api?.close();
  await pipeline?.close();
  await telemetry?.shutdown();
});

function named(spans: ReadableSpan[], prefix: string): ReadableSpan[] {
  return spans.filter((span) => span.name.startsWith(prefix));
}

describe('a traced chat turn', () => {
  it('links the API request, the Temporal client call, the workflows, the activities and the model calls in one trace', async () => {
    const response = await fetch(`http://127.0.0.1:${api.port}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'How do I download my invoice?' }),
    });
    expect(response.status).toBe(202);
    const { turnId, workflowId } = (await response.json()) as { turnId: string; workflowId: string };

    const requestSpan = await vi.waitFor(
      () => {
        const found = exporter.getFinishedSpans().find((span) => span.kind === SpanKind.SERVER && span.attributes['http.route'] === '/api/chat');
        expect(found, 'the POST /api/chat server span').toBeDefined();
        return found!;
      },
      { timeout: 10_000 },
    );
    expect(requestSpan.name).toBe('POST /api/chat');
    expect(requestSpan.attributes['http.response.status_code']).toBe(202);
    const traceId = requestSpan.spanContext().traceId;

    // Workflow spans arrive through the worker's sink once their workflow tasks complete.
    const trace = await vi.waitFor(
      () => {
        const spans = exporter.getFinishedSpans().filter((span) => span.spanContext().traceId === traceId);
        expect(named(spans, 'RunActivity:runAgent').length).toBeGreaterThan(0);
        expect(named(spans, 'RunActivity:checkQuality').length).toBeGreaterThan(0);
        expect(named(spans, 'llm.').length).toBeGreaterThan(0);
        // The turn's child workflow has finished (the conversation workflow keeps running).
        expect(spans.map((span) => span.name)).toContain('RunWorkflow:turnWorkflow');
        return spans;
      },
      { timeout: 30_000, interval: 200 },
    );

    const clientSpans = trace.filter((span) => /^(UpdateWithStartWorkflow|StartWorkflow|SignalWithStartWorkflow|StartWorkflowUpdate):/.test(span.name));
    expect(clientSpans.map((span) => span.name)).not.toEqual([]);
    // The client call is a child of the request span: the context crossed Express's body parsing and routing.
    expect(clientSpans[0]!.parentSpanId).toBe(requestSpan.spanContext().spanId);
    expect(trace.map((span) => span.name)).toContain('StartChildWorkflow:turnWorkflow');
    expect(named(trace, 'StartActivity:').length).toBeGreaterThan(0);
    const runAgent = named(trace, 'RunActivity:runAgent')[0]!;
    expect(String(runAgent.attributes.temporalWorkflowId ?? '')).not.toBe('');
    const modelCall = named(trace, 'llm.')[0]!;
    expect(modelCall.attributes).toMatchObject({ 'gen_ai.system': 'offline', 'agentcraft.turn_id': turnId });
    expect(modelCall.attributes['gen_ai.usage.output_tokens']).toEqual(expect.any(Number));
    expect(modelCall.resource.attributes['service.name']).toBe('agentcraft-test');

    // Logs join the trace: the API's line with the workflow and turn ids, and the QA activity's line.
    expect(logLines).toContainEqual(expect.objectContaining({ msg: 'message accepted', trace_id: traceId, workflowId, turnId, span_id: requestSpan.spanContext().spanId }));
    expect(logLines).toContainEqual(expect.objectContaining({ msg: 'qa checked', trace_id: traceId, turnId }));
  });
});

describe('the OTLP exporter', () => {
  it('is configured only by the standard variables', () => {
    expect(otlpTracesUrl({})).toBeUndefined();
    expect(otlpTracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' })).toBe('http://collector:4318/v1/traces');
    expect(otlpTracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://b:4318/traces' })).toBe('http://b:4318/traces');
    expect(spanProcessorsFor({ defaultServiceName: 'x', environment: {} })).toEqual([]);
  });

  it('sends spans as OTLP/HTTP JSON to the configured endpoint', async () => {
    const received: { path: string | undefined; contentType: string | undefined; body: string }[] = [];
    const receiver = http.createServer((request, response) => {
      let body = '';
      request.setEncoding('utf8');
      request.on('data', (chunk: string) => (body += chunk));
      request.on('end', () => {
        received.push({ path: request.url, contentType: request.headers['content-type'], body });
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      const endpoint = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
      const provider = new BasicTracerProvider({ spanProcessors: spanProcessorsFor({ defaultServiceName: 'x', environment: { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint } }) });
      provider.getTracer('test').startSpan('exported-span').end();
      await provider.forceFlush();
      await provider.shutdown();
      expect(received).toHaveLength(1);
      expect(received[0]).toMatchObject({ path: '/v1/traces', contentType: 'application/json' });
      const spans = (JSON.parse(received[0]!.body) as { resourceSpans: { scopeSpans: { spans: { name: string }[] }[] }[] }).resourceSpans.flatMap((resource) =>
        resource.scopeSpans.flatMap((scope) => scope.spans.map((span) => span.name)),
      );
      expect(spans).toEqual(['exported-span']);
    } finally {
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
    }
  });
});
