/** Temporal runtime setup: SDK and Core logs routed into pino (installed once per process). */
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

/** Installs the Temporal runtime with a pino-backed logger; later calls are no-ops. */
export function installTemporalRuntime(logger: Logger): void {
  if (installed) return;
  installed = true;
  const temporalLogger = logger.child({ component: 'temporal-sdk' });
  Runtime.install({
    logger: new DefaultLogger('INFO', (entry) => {
      temporalLogger[LEVELS[entry.level]](entry.meta ?? {}, entry.message);
    }),
    telemetryOptions: { logging: { forward: {}, filter: 'WARN' } },
  });
}
