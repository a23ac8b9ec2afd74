/**
 * Test doubles for router tests: a `ChatModel` that plays a script (one step per call) and a clock that tests
 * move by hand. A call beyond the script is recorded as an overrun and throws: the router would treat that
 * throw as a provider failure and carry on, so tests assert `assertNoOverrun()` to make it fail loudly.
 */
import type { TokenUsage } from '../../../../domain/types.js';
import type { CallOptions, ChatModel, ChatRequest, ChatResult, ChatStreamPart } from '../../chat-model.js';
import { ProviderError } from '../../provider-error.js';
import type { ProviderErrorKind } from '../../provider-error.js';

/** A clock that only moves when told; `sleep` moves it instead of waiting. */
export class FakeClock {
  constructor(public nowMs = Date.UTC(2026, 0, 15, 12, 0, 0)) {}
  readonly now = (): number => this.nowMs;
  readonly sleeps: number[] = [];
  readonly sleep = (ms: number): Promise<void> => {
    this.sleeps.push(ms);
    this.nowMs += ms;
    return Promise.resolve();
  };
  advance(ms: number): void {
    this.nowMs += ms;
  }
}

/** A provider failure to throw. */
export interface ScriptedFailure {
  kind: ProviderErrorKind;
  status?: number;
  retryAfterMs?: number;
}

/** One call's behaviour: answer `text`, or fail (before any output, or after streaming `text`). */
export interface ScriptStep {
  text?: string;
  usage?: TokenUsage;
  /** Clock time the call takes. */
  latencyMs?: number;
  fail?: ScriptedFailure;
  /** With `fail` and `text`: stream the text first, then fail (after the first token). */
  failAfterText?: boolean;
}

export class ScriptedChatModel implements ChatModel {
  readonly requests: ChatRequest[] = [];
  readonly overruns: string[] = [];
  private readonly script: ScriptStep[];

  constructor(
    readonly provider: string,
    readonly modelId: string,
    script: ScriptStep[],
    private readonly clock?: FakeClock,
  ) {
    this.script = [...script];
  }

  get calls(): number {
    return this.requests.length;
  }

  async generate(request: ChatRequest, _options?: CallOptions): Promise<ChatResult> {
    const step = this.take(request);
    await this.spend(step);
    if (step.fail !== undefined) throw this.error(step.fail, false);
    return this.result(step);
  }

  async *stream(request: ChatRequest, _options?: CallOptions): AsyncIterable<ChatStreamPart> {
    const step = this.take(request);
    await this.spend(step);
    if (step.fail !== undefined && step.failAfterText !== true) throw this.error(step.fail, false);
    for (const word of (step.text ?? '').split(/(?<= )/)) yield { type: 'text-delta', text: word };
    if (step.fail !== undefined) throw this.error(step.fail, true);
    yield { type: 'finish', result: this.result(step) };
  }

  private take(request: ChatRequest): ScriptStep {
    this.requests.push(request);
    const step = this.script.shift();
    if (step === undefined) {
      const message = `${this.provider}/${this.modelId}: script ran out at call ${this.requests.length}`;
      this.overruns.push(message);
      throw new Error(message);
    }
    return step;
  }

  private async spend(step: ScriptStep): Promise<void> {
    if (step.latencyMs !== undefined) await this.clock?.sleep(step.latencyMs);
  }

  private error(failure: ScriptedFailure, afterFirstToken: boolean): ProviderError {
    return new ProviderError(`scripted ${failure.kind}`, { ...failure, provider: this.provider, modelId: this.modelId, afterFirstToken });
  }

  private result(step: ScriptStep): ChatResult {
    const usage = step.usage ?? { inputTokens: 100, outputTokens: 20 };
    return { text: step.text ?? '', usage, finishReason: 'stop', provider: this.provider, modelId: this.modelId };
  }
}

/** Fails the test if any scripted model was called more often than scripted. */
export function assertNoOverrun(models: Iterable<ScriptedChatModel>): void {
  const overruns = [...models].flatMap((model) => model.overruns);
  if (overruns.length > 0) throw new Error(`Unscripted model calls: ${overruns.join('; ')}`);
}
