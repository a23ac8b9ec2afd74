/**
 * Temporal runtime setup: SDK and Core logs routed into pino, and optionally Core's Prometheus exporter
 * (installed once per process, before any connection is made).
 */
import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import type { Logger } from '../domain/logger.js';

let installed = false;

const LEVELS: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

export interface TemporalRuntimeOptions {
  /**
   * `host:port` where Core serves its Prometheus metrics (`AGENTCRAFT_SDK_METRICS_ADDRESS`); unset: no SDK
   * metrics. Core's defaults are kept (milliseconds, no `_total` suffix): the committed alerts assume them.
   */
  sdkMetricsAddress?: string;
}

/** Installs the Temporal runtime with a pino-backed logger; later calls are no-ops. */
export function installTemporalRuntime(logger: Logger, options: TemporalRuntimeOptions = {}): void {
  if (installed) return;
  installed = true;
  const temporalLogger = logger.child({ component: 'temporal-sdk' });
  const { sdkMetricsAddress } = options;
  Runtime.install({
    logger: new DefaultLogger('INFO', (entry) => {
      temporalLogger[LEVELS[entry.level]](entry.meta ?? {}, entry.message);
    }),
    telemetryOptions: {
      logging: { forward: {}, filter: 'WARN' },
      ...(sdkMetricsAddress === undefined ? {} : { metrics: { prometheus: { bindAddress: sdkMetricsAddress } } }),
    },
  });
  if (sdkMetricsAddress !== undefined) logger.info({ address: sdkMetricsAddress }, 'temporal sdk metrics listening');
}
