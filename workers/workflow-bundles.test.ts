/**
 * The two workflow bundles both run the OpenTelemetry workflow interceptors (histories recorded with them
 * replay only with them: `workflows/replay.test.ts` replays the saved ones with the plain bundle), but only
 * the traced bundle gives them the SDK that records spans. A real dev server and worker run the webhook delivery workflow (stub
 * activities) with a span sink that keeps whatever the workflow exports.
 */
import { randomUUID } from 'node:crypto';
import { Resource } from '@opentelemetry/resources';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { Client, Connection } from '@temporalio/client';
import { makeWorkflowExporter } from '@temporalio/interceptors-opentelemetry';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeliverWebhookResult } from '../activities/webhooks/deliver.js';
import { createLogger } from '../domain/logger.js';
import type { WebhookDeliveryInput } from '../domain/webhook-delivery.js';
import { workflowBundle, WorkflowBundleKind, workflowBundleOptions } from './create-worker.js';
import { startDevServer, type DevServer } from './dev-server.js';
import { UNTRACED_WORKFLOW_SPANS_MODULE } from './telemetry.js';

const logger = createLogger({ name: 'workflow-bundles-test', level: process.env.LOG_LEVEL ?? 'silent' });
const DELIVERED: DeliverWebhookResult = { status: 'delivered', attempts: 1, statusCode: 200 };

let server: DevServer;
let connection: Connection;
let nativeConnection: NativeConnection;
let client: Client;

beforeAll(async () => {
  server = await startDevServer({ headless: true, logger });
  connection = await Connection.connect({ address: server.address });
  nativeConnection = await NativeConnection.connect({ address: server.address });
  client = new Client({ connection });
}, 60_000);

afterAll(async () => {
  await nativeConnection?.close();
  await connection?.close();
  await server?.stop();
});

/** Runs one webhook delivery on a worker with the given bundle; returns the names of the spans it exported. */
async function spansExportedBy(kind: WorkflowBundleKind): Promise<string[]> {
  const exporter = new InMemorySpanExporter();
  const taskQueue = `workflow-bundles-${kind}-${randomUUID()}`;
  const worker = await Worker.create({
    connection: nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(logger, kind),
    activities: { deliverWebhook: () => Promise.resolve(DELIVERED), failWebhookDelivery: () => Promise.resolve() },
    sinks: { exporter: makeWorkflowExporter(new SimpleSpanProcessor(exporter), new Resource({})) },
  });
  const input: WebhookDeliveryInput = { deliveryId: `whd_${randomUUID()}`, maxAttempts: 1 };
  const result: unknown = await worker.runUntil(client.workflow.execute('webhookDeliveryWorkflow', { taskQueue, workflowId: `workflow-bundles-${randomUUID()}`, args: [input] }));
  expect(result).toEqual(DELIVERED);
  return exporter.getFinishedSpans().map((span) => span.name);
}

describe('workflow bundles', () => {
  it('both bundle the tracing interceptors; the plain one resolves their SDK to the no-op stand-in', () => {
    const traced = workflowBundleOptions(WorkflowBundleKind.traced);
    const plain = workflowBundleOptions(WorkflowBundleKind.plain);
    expect(traced.workflowInterceptorModules).toEqual([expect.stringMatching(/interceptors-opentelemetry[\\/]lib[\\/]workflow-interceptors\.js$/)]);
    expect(plain.workflowInterceptorModules).toEqual(traced.workflowInterceptorModules);
    expect(traced.webpackConfigHook).toBeUndefined();
    const resolved = plain.webpackConfigHook?.({ resolve: { alias: { keep: 'kept' } } });
    const standIn = UNTRACED_WORKFLOW_SPANS_MODULE;
    expect(standIn).toMatch(/untraced-workflow-spans\.ts$/);
    expect(resolved?.resolve?.alias).toEqual({ keep: 'kept', '@opentelemetry/sdk-trace-base$': standIn, '@opentelemetry/core$': standIn });
  });

  it('a worker with the traced bundle exports the workflow and activity spans', async () => {
    const names = await spansExportedBy(WorkflowBundleKind.traced);
    expect(names).toEqual(expect.arrayContaining(['RunWorkflow:webhookDeliveryWorkflow', 'StartActivity:deliverWebhook']));
  }, 60_000);

  it('a worker with the plain bundle runs the same workflow and exports no span', async () => {
    expect(await spansExportedBy(WorkflowBundleKind.plain)).toEqual([]);
  }, 60_000);
});
