import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { ActivityFailure, ApplicationFailure, WorkflowFailedError } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfiguration } from '../../domain/config.js';
import { createLogger } from '../../domain/logger.js';
import { createTestClient, testTemporalAddress, type TestClient } from '../../test-support/temporal.js';
import { installTemporalRuntime } from '../../workers/runtime.js';
import { toActivityFailure } from './activity-failure.js';
import { createWebFetcher } from './create-web-fetcher.js';
import { respond, startTestWebServer, type TestWebServer } from './web-test-server.js';
import { WebFetchError, WebFetchErrorType } from './web-fetcher.js';

const logger = createLogger({ level: 'silent' });
const taskQueue = `web-fetch-test-${randomUUID()}`;
let testClient: TestClient;
let workerConnection: NativeConnection;
let worker: Worker;
let workerRun: Promise<void>;
let server: TestWebServer;

beforeAll(async () => {
  installTemporalRuntime(logger);
  server = await startTestWebServer({
    '/robots.txt': respond('text/plain', 'User-agent: *\nDisallow: /private\n'),
    '/ok': respond('text/markdown', '# Fine'),
    '/busy': (_request, response) => void response.writeHead(503).end(),
  });
  const web = createWebFetcher(loadConfiguration({ AGENTCRAFT_WEB_CACHE_TTL_SECONDS: '0', AGENTCRAFT_WEB_RATE_PER_HOST: '1000' }), { logger });
  testClient = await createTestClient();
  workerConnection = await NativeConnection.connect({ address: testTemporalAddress() });
  worker = await Worker.create({
    connection: workerConnection,
    taskQueue,
    workflowsPath: fileURLToPath(new URL('./__fixtures__/web-fetch-workflow.ts', import.meta.url)),
    activities: {
      fetchWebPage: async (input: { url: string; allowedHosts: string[] }) => {
        try {
          return await web.fetchPage(input);
        } catch (error) {
          throw toActivityFailure(error);
        }
      },
    },
  });
  workerRun = worker.run();
});

afterAll(async () => {
  worker?.shutdown();
  await workerRun;
  await Promise.allSettled([workerConnection?.close(), testClient?.close(), server?.close()]);
});

async function runFetch(path: string): Promise<unknown> {
  return testClient.client.workflow
    .execute('webFetchWorkflow', { taskQueue, workflowId: `web-fetch-${randomUUID()}`, args: [{ url: `${server.origin}${path}`, allowedHosts: ['127.0.0.1'] }] })
    .catch((error: unknown) => error);
}

function applicationCause(error: unknown): ApplicationFailure {
  expect(error).toBeInstanceOf(WorkflowFailedError);
  const activityFailure = (error as WorkflowFailedError).cause;
  expect(activityFailure).toBeInstanceOf(ActivityFailure);
  const cause = (activityFailure as ActivityFailure).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  return cause as ApplicationFailure;
}

describe('toActivityFailure', () => {
  it('maps WebFetchErrors and passes other errors through', () => {
    expect(toActivityFailure(new WebFetchError(WebFetchErrorType.tooLarge, 'big', false))).toMatchObject({ name: 'ApplicationFailure', type: 'WebResponseTooLarge', nonRetryable: true, message: 'big' });
    expect(toActivityFailure(new WebFetchError(WebFetchErrorType.timeout, 'slow', true))).toMatchObject({ name: 'ApplicationFailure', type: 'WebFetchTimeout', nonRetryable: false });
    const other = new Error('other');
    expect(toActivityFailure(other)).toBe(other);
  });

  it('fails a workflow at once for a robots.txt refusal (non-retryable, typed)', async () => {
    const failure = applicationCause(await runFetch('/private/page'));
    expect(failure).toMatchObject({ type: WebFetchErrorType.robotsDisallowed, nonRetryable: true });
    expect(server.count('/private/page')).toBe(0);
  });

  it('lets Temporal retry a 503 until the attempts run out', async () => {
    const failure = applicationCause(await runFetch('/busy'));
    expect(failure).toMatchObject({ type: WebFetchErrorType.httpError, nonRetryable: false });
    expect(failure.details).toEqual([{ status: 503 }]);
    expect(server.count('/busy')).toBe(3);
  });

  it('returns the page when all is well', async () => {
    expect(await runFetch('/ok')).toBe('# Fine');
  });
});
