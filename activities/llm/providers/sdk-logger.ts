import { createLogger, type Logger } from '../../../domain/logger.js';

/** The `{ error, warn, info, debug }` logger shape the Anthropic and OpenAI SDKs accept. */
export interface SdkLogger {
  error(message: string, ...rest: unknown[]): void;
  warn(message: string, ...rest: unknown[]): void;
  info(message: string, ...rest: unknown[]): void;
  debug(message: string, ...rest: unknown[]): void;
}

/** Routes a vendor SDK's log lines into pino (the SDKs log to `console` otherwise). */
export function sdkLogger(logger: Logger, vendor: string): SdkLogger {
  const child = logger.child({ vendor });
  const at = (level: 'error' | 'warn' | 'info' | 'debug') => (message: string, ...rest: unknown[]): void => {
    child[level](rest.length > 0 ? { details: rest } : {}, message);
  };
  return { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') };
}

let fallbackLogger: Logger | undefined;

/** The pino logger adapters use when none is given (one per process). */
export function defaultProviderLogger(): Logger {
  fallbackLogger ??= createLogger({ name: 'llm-providers' });
  return fallbackLogger;
}
