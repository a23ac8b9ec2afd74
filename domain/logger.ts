/** The one pino logger factory; every layer logs through it (no `console.*` in library code). */
import { isSpanContextValid, trace } from '@opentelemetry/api';
import { pino, type DestinationStream, type Logger } from 'pino';
// Log lines pass through the QA stage's PII detectors: emails, phones, cards, IBANs, ids and secrets are
// redacted before they are written (the detectors live with QA, which owns their policy).
import { redactingLoggerOptions } from '../activities/qa/redaction.js';

export type { Logger };

export function createLogger(options: { level?: string; name?: string; destination?: DestinationStream } = {}): Logger {
  const settings = {
    name: options.name ?? 'agentcraft',
    level: options.level ?? process.env.LOG_LEVEL ?? 'info',
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    ...redactingLoggerOptions(),
    mixin: traceFields,
  };
  return options.destination === undefined ? pino(settings) : pino(settings, options.destination);
}

/** `trace_id`/`span_id` of the active span (when tracing is on), so log lines join their trace. */
function traceFields(): Record<string, string> {
  const spanContext = trace.getActiveSpan()?.spanContext();
  return spanContext === undefined || !isSpanContextValid(spanContext) ? {} : { trace_id: spanContext.traceId, span_id: spanContext.spanId };
}
