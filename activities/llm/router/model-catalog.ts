/**
 * The model catalog: every model the router may choose, with its price, limits, tier and capabilities.
 * The default lives in `model-catalog.json` beside this file; deployments replace it with a file
 * (`MODEL_CATALOG_PATH`) or inline JSON (`MODEL_CATALOG_JSON`), both validated with the same zod schema.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/** Model tiers, cheapest first. A call needs a model of its required tier or higher. */
export const ModelTier = { fast: 'fast', balanced: 'balanced', premium: 'premium' } as const;
export type ModelTier = (typeof ModelTier)[keyof typeof ModelTier];

/** Tiers in ascending order: the index is the tier's rank. */
export const TIER_ORDER: readonly ModelTier[] = [ModelTier.fast, ModelTier.balanced, ModelTier.premium];

/** The rank of a tier (fast 0, balanced 1, premium 2). */
export function tierRank(tier: ModelTier): number {
  return TIER_ORDER.indexOf(tier);
}

/** What a model can do beyond plain text; a request needing one skips models without it. */
export const ModelCapability = { json: 'json', streaming: 'streaming', tools: 'tools' } as const;
export type ModelCapability = (typeof ModelCapability)[keyof typeof ModelCapability];

const catalogEntrySchema = z
  .object({
    /** Unique key of the entry (`<provider>/<modelId>` by convention). */
    id: z.string().min(1),
    provider: z.string().min(1),
    modelId: z.string().min(1),
    inputUsdPerMillionTokens: z.number().nonnegative(),
    outputUsdPerMillionTokens: z.number().nonnegative(),
    contextWindow: z.number().int().positive(),
    maxOutputTokens: z.number().int().positive(),
    tier: z.enum([ModelTier.fast, ModelTier.balanced, ModelTier.premium]),
    capabilities: z.array(z.enum([ModelCapability.json, ModelCapability.streaming, ModelCapability.tools])),
    local: z.boolean(),
    /**
     * Multiplies the o200k token count to approximate this vendor's tokenizer (Anthropic's is not public and
     * counts ~10–25 % more tokens for English). Used for window fit and price estimates only.
     */
    tokenCountFactor: z.number().min(1).max(3).default(1),
    /** Tried after every other candidate, whatever the tier (the offline model). */
    lastResort: z.boolean().default(false),
  })
  .strict()
  .refine((entry) => entry.maxOutputTokens <= entry.contextWindow, { message: 'maxOutputTokens exceeds contextWindow' });

const catalogSchema = z
  .object({ version: z.literal(1), models: z.array(catalogEntrySchema).min(1) })
  .strict()
  .superRefine((catalog, context) => {
    const seen = new Set<string>();
    for (const [index, entry] of catalog.models.entries()) {
      if (seen.has(entry.id)) context.addIssue({ code: 'custom', path: ['models', index, 'id'], message: `duplicate model id ${entry.id}` });
      seen.add(entry.id);
    }
  });

/** One model of the catalog, validated. */
export type CatalogEntry = z.infer<typeof catalogEntrySchema>;
/** The validated catalog. */
export type ModelCatalog = z.infer<typeof catalogSchema>;

/** Where the catalog comes from; both unset means the default file beside this module. */
export interface LoadModelCatalogOptions {
  /** Path of a catalog JSON file (`MODEL_CATALOG_PATH`). */
  catalogPath?: string;
  /** The catalog as inline JSON (`MODEL_CATALOG_JSON`); wins over `catalogPath`. */
  catalogJson?: string;
}

/** Thrown when a catalog does not parse or does not match the schema; the message lists every issue. */
export class ModelCatalogError extends Error {
  override readonly name = 'ModelCatalogError';
}

/** The catalog shipped with the code. */
export const DEFAULT_CATALOG_PATH = fileURLToPath(new URL('./model-catalog.json', import.meta.url));

/** Reads and validates the model catalog from inline JSON, a file, or the default file. */
export function loadModelCatalog(options: LoadModelCatalogOptions = {}): ModelCatalog {
  const inline = options.catalogJson?.trim();
  const path = options.catalogPath?.trim();
  const [origin, text] =
    inline !== undefined && inline !== ''
      ? ['MODEL_CATALOG_JSON', inline]
      : [path !== undefined && path !== '' ? path : DEFAULT_CATALOG_PATH, undefined];
  return parseModelCatalog(text ?? readCatalogFile(origin), origin);
}

/** Validates catalog JSON text; `origin` names the source in error messages. */
export function parseModelCatalog(text: string, origin = 'model catalog'): ModelCatalog {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ModelCatalogError(`${origin}: not valid JSON`, { cause: error });
  }
  const parsed = catalogSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new ModelCatalogError(`${origin}: ${issues}`);
  }
  return parsed.data;
}

function readCatalogFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new ModelCatalogError(`${path}: cannot read the model catalog`, { cause: error });
  }
}

/** Price in USD of the given token counts at the entry's catalog prices (an estimate or the actual cost). */
export function priceOf(entry: CatalogEntry, inputTokens: number, outputTokens: number): number {
  return (inputTokens * entry.inputUsdPerMillionTokens + outputTokens * entry.outputUsdPerMillionTokens) / 1_000_000;
}
