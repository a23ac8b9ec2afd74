/**
 * The shape of one specialist agent and of the catalog file that seeds them. The catalog is configuration,
 * not code: it is validated with these schemas when it is loaded (from the repository file, or from Postgres
 * once the catalog lives there), so a bad edit fails loudly at the edge instead of mid-turn.
 */
import { z } from 'zod';

/** The six teams; ids are part of the public API. */
export const TEAM_IDS = ['technical', 'business', 'analysis', 'customer', 'product', 'industry'] as const;
export const TeamIdSchema = z.enum(TEAM_IDS);
export type TeamId = z.infer<typeof TeamIdSchema>;

/** Model tier an agent prefers; the LLM router may still pick another one (budgets, outages). */
export const ModelTierSchema = z.enum(['fast', 'balanced', 'premium']);
export type ModelTier = z.infer<typeof ModelTierSchema>;

/** A source an agent may search: `knowledge:<topic>`, `web:<host>` or `history`. */
export const KnowledgeScopeSchema = z
  .string()
  .regex(/^(?:knowledge:[a-z0-9-]+|web:[a-z0-9.-]+\.[a-z]{2,}|history)$/, 'expected knowledge:<topic>, web:<host> or history');

/** A topic that always needs a human; `patterns` are case-insensitive regular expressions over the question. */
export const EscalationRuleSchema = z.object({
  topic: z.string().regex(/^[a-z0-9-]+$/),
  description: z.string().min(1),
  patterns: z
    .array(z.string().refine((source) => isRegExp(source), 'not a valid regular expression'))
    .optional(),
});
export type EscalationRule = z.infer<typeof EscalationRuleSchema>;

/** Reply in the user's language, or always in one fixed language (a BCP 47 primary code such as `en`). */
export const ReplyLanguageSchema = z.union([z.literal('match-user'), z.string().regex(/^[a-z]{2,3}$/)]);
export type ReplyLanguage = z.infer<typeof ReplyLanguageSchema>;

const ExampleSchema = z.string().trim().min(8).max(400);

/** One specialist. `exampleQuestions` train the router; `heldOutQuestions` only evaluate it. */
export const AgentDefinitionSchema = z.object({
  id: z.string().regex(/^[a-z][a-z0-9-]*$/),
  name: z.string().min(1),
  team: TeamIdSchema,
  description: z.string().min(1),
  /** Words and phrases (any inflection) that signal this agent's expertise; the lexical fallback uses them. */
  expertise: z.array(z.string().min(1)).min(5),
  exampleQuestions: z.array(ExampleSchema).min(12),
  heldOutQuestions: z.array(ExampleSchema).default([]),
  systemPrompt: z.string().min(40),
  knowledgeScopes: z.array(KnowledgeScopeSchema).min(1),
  preferredTier: ModelTierSchema,
  escalationRules: z.array(EscalationRuleSchema).default([]),
  replyLanguage: ReplyLanguageSchema.default('match-user'),
});
export type AgentDefinition = z.infer<typeof AgentDefinitionSchema>;

/** Questions the assistant should decline (or hand to a human): they train the router's out-of-scope class. */
export const OutOfScopeSchema = z.object({
  exampleQuestions: z.array(ExampleSchema).min(12),
  heldOutQuestions: z.array(ExampleSchema).default([]),
});

/** The whole catalog file: a version, the fallback generalist, the agents and the out-of-scope examples. */
export const AgentCatalogFileSchema = z
  .object({
    version: z.string().min(1),
    company: z.string().min(1),
    fallbackAgentId: z.string(),
    agents: z.array(AgentDefinitionSchema).min(1),
    outOfScope: OutOfScopeSchema,
  })
  .superRefine((catalog, context) => {
    const ids = catalog.agents.map((agent) => agent.id);
    const duplicate = ids.find((id, index) => ids.indexOf(id) !== index);
    if (duplicate !== undefined) context.addIssue({ code: 'custom', message: `duplicate agent id "${duplicate}"`, path: ['agents'] });
    if (!ids.includes(catalog.fallbackAgentId)) {
      context.addIssue({ code: 'custom', message: `fallback agent "${catalog.fallbackAgentId}" is not in the catalog`, path: ['fallbackAgentId'] });
    }
    for (const team of TEAM_IDS) {
      if (!catalog.agents.some((agent) => agent.team === team)) context.addIssue({ code: 'custom', message: `team "${team}" has no agent`, path: ['agents'] });
    }
  });
export type AgentCatalogFile = z.infer<typeof AgentCatalogFileSchema>;

function isRegExp(source: string): boolean {
  try {
    new RegExp(source, 'i');
    return true;
  } catch {
    return false;
  }
}
