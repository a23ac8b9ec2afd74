import type { RouteDecision } from '../../domain/types.js';
import { SEED_CATALOG } from '../agents/catalog.js';
import type { ActivityDependencies } from '../dependencies.js';
import type { TurnRef } from '../events/publisher.js';
import { createStageRecorder } from '../turn/stage-recorder.js';
import type { RoutingClassifier } from './classifier.js';
import { loadOrTrainRouter } from './default-router.js';
import { applyCatalogState } from './catalog-versions.js';
import { createRouter, type Router } from './router.js';
import { createTenantRouters } from './tenant-routers.js';
import { DEFAULT_TENANT_ID } from '../../domain/constants.js';
import { callContextOf } from '../llm/call-context.js';
import type { ChatModel } from '../llm/chat-model.js';
import { withHeartbeat } from '../llm/heartbeat.js';

export interface RouteQuestionInput extends TurnRef {
  question: string;
  /** The conversation's tenant; when absent it is read from the conversation (once per conversation). */
  tenantId?: string;
}

/**
 * True when routing calls this model over the network (the LLM strategy): any model but the offline
 * extractive one, which the router ignores (see `createRouter`). `beginTurn` then plans routing as a regular
 * activity; the offline classifier stays a local activity.
 */
export function routingCallsModel(chatModel: Pick<ChatModel, 'provider'>): boolean {
  return chatModel.provider !== 'offline';
}

/** Conversations whose tenant is remembered (a bounded map; the oldest entry goes first). */
const TENANT_CACHE_SIZE = 10_000;

let defaultClassifier: Promise<RoutingClassifier | undefined> | undefined;

/**
 * The default classifier, trained from the seed catalog (or loaded from its cache under `data/routing/`) once
 * per process. If training fails the router still works, on keywords alone.
 */
function defaultRoutingClassifier(dependencies: ActivityDependencies): Promise<RoutingClassifier | undefined> {
  defaultClassifier ??= loadOrTrainRouter().then(
    ({ classifier, source, modelPath }) => {
      dependencies.logger.info({ version: classifier.version, source, modelPath }, 'routing classifier ready');
      return classifier;
    },
    (error: unknown) => {
      dependencies.logger.error({ err: error }, 'routing classifier unavailable; routing on keywords');
      return undefined;
    },
  );
  return defaultClassifier;
}

/** Options of {@link createRoutingActivities}: inject a router (tests); it replaces stored and default models. */
export interface RoutingActivityOptions {
  router?: Router;
}

export function createRoutingActivities(dependencies: ActivityDependencies, options: RoutingActivityOptions = {}) {
  const stages = createStageRecorder(dependencies);
  let router: Promise<Router> | undefined = options.router === undefined ? undefined : Promise.resolve(options.router);
  const defaultRouter = (): Promise<Router> =>
    (router ??= defaultRoutingClassifier(dependencies).then((classifier) =>
      createRouter({ catalog: SEED_CATALOG, chatModel: dependencies.chatModel, ...(classifier ? { classifier } : {}) }),
    ));
  const storedRouter = createTenantRouters({
    store: dependencies.store,
    logger: dependencies.logger,
    build: (classifier) => createRouter({ catalog: SEED_CATALOG, chatModel: dependencies.chatModel, classifier }),
  });
  const tenants = new Map<string, string>();
  const tenantOf = async (input: RouteQuestionInput): Promise<string> => {
    if (input.tenantId !== undefined) return input.tenantId;
    const known = tenants.get(input.conversationId);
    if (known !== undefined) return known;
    const tenantId = (await dependencies.store.getConversation(input.conversationId))?.conversation.tenantId ?? DEFAULT_TENANT_ID;
    if (tenants.size >= TENANT_CACHE_SIZE) tenants.delete(tenants.keys().next().value ?? '');
    tenants.set(input.conversationId, tenantId);
    return tenantId;
  };
  // An injected router wins; else the tenant's current stored model; else the default (file-cached) model.
  const routerReady = async (input: RouteQuestionInput): Promise<Router> =>
    options.router ?? (await storedRouter(await tenantOf(input))) ?? (await defaultRouter());
  return {
    /**
     * Route stage: intent, complexity, language, sensitivity, out-of-scope, and the specialists to involve
     * (primary first, each with team, score, reason and catalog version; disabled agents dropped). LLM when a real model is configured, else the
     * learned classifier with the keyword fallback. The workflow runs it as a regular activity when it calls an
     * LLM (`TurnPlan.routeCall`), as a local one otherwise.
     */
    async routeQuestion(input: RouteQuestionInput): Promise<RouteDecision> {
      return stages.run(
        input,
        'route',
        // Heartbeats while the LLM answers (a regular activity then has a heartbeat timeout); the whole
        // body, since loading or training the classifier on a cold worker takes a moment too.
        () =>
          withHeartbeat(async (abortSignal) => {
            const decided = await (await routerReady(input)).route(input.question, { abortSignal, context: callContextOf({ ...input, purpose: 'route' }) });
            // One catalog read per route: versions for the chosen agents, and disabled agents dropped.
            return applyCatalogState(decided, await dependencies.store.listAgents());
          }),
        (route) => ({
          summary: route.outOfScope === true ? 'out of scope' : route.agents.map((agent) => agent.agentId).join(', '),
          trace: { route },
        }),
      );
    },
  };
}
