/**
 * Registers AgentCraft's custom search attributes on a namespace of a self-hosted cluster, through
 * the OperatorService. The embedded dev server does not need this (it gets `--search-attribute`
 * flags at boot); on Temporal Cloud they are managed with the Cloud UI or `tcld` (see README.md).
 */
import type { Connection } from '@temporalio/client';
import { SEARCH_ATTRIBUTE_TYPES } from '../domain/constants.js';

/** A search attribute type, spelled as the CLI and `SEARCH_ATTRIBUTE_TYPES` spell it. */
export type SearchAttributeTypeName = 'Text' | 'Keyword' | 'Int' | 'Double' | 'Bool' | 'Datetime' | 'KeywordList';

/** Values of the `temporal.api.enums.v1.IndexedValueType` wire enum. */
const INDEXED_VALUE_TYPE: Record<SearchAttributeTypeName, number> = {
  Text: 1,
  Keyword: 2,
  Int: 3,
  Double: 4,
  Bool: 5,
  Datetime: 6,
  KeywordList: 7,
};

/** What {@link registerSearchAttributes} did. */
export interface SearchAttributeRegistration {
  /** Attributes this call added. */
  added: string[];
  /** Attributes that were already there with the right type. */
  existing: string[];
}

/** ALREADY_EXISTS: another process added the attribute between our list and our add. */
const GRPC_ALREADY_EXISTS = 6;

/**
 * Adds whichever of `attributes` (default: all of AgentCraft's) the namespace lacks; idempotent and
 * safe to run on every deploy. Throws, changing nothing, if one exists with a different type.
 */
export async function registerSearchAttributes(
  connection: Connection,
  namespace: string,
  attributes: Readonly<Record<string, SearchAttributeTypeName>> = SEARCH_ATTRIBUTE_TYPES,
): Promise<SearchAttributeRegistration> {
  return registerOnce(connection, namespace, attributes, true);
}

async function registerOnce(
  connection: Connection,
  namespace: string,
  attributes: Readonly<Record<string, SearchAttributeTypeName>>,
  retryOnRace: boolean,
): Promise<SearchAttributeRegistration> {
  const present = await listCustomSearchAttributes(connection, namespace);
  const missing: Record<string, number> = {};
  const existing: string[] = [];
  const conflicts: string[] = [];
  for (const [name, type] of Object.entries(attributes)) {
    const presentType = present.get(name);
    if (presentType === undefined) missing[name] = INDEXED_VALUE_TYPE[type];
    else if (presentType === type) existing.push(name);
    else conflicts.push(`${name} is ${presentType}, expected ${type}`);
  }
  if (conflicts.length > 0) {
    throw new Error(
      `Search attributes of namespace "${namespace}" conflict with AgentCraft's: ${conflicts.join('; ')}. ` +
        'A type cannot change in place: remove the attribute (temporal operator search-attribute remove) or rename it.',
    );
  }
  const added = Object.keys(missing);
  if (added.length === 0) return { added, existing };
  try {
    await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: missing });
  } catch (error) {
    if (!retryOnRace || (error as { code?: unknown }).code !== GRPC_ALREADY_EXISTS) throw error;
    // Lost a race with another registrar: check the end state once more instead of trusting either call.
    return registerOnce(connection, namespace, attributes, false);
  }
  return { added, existing };
}

/** Custom (non-system) search attributes of a namespace, name → type. */
export async function listCustomSearchAttributes(connection: Connection, namespace: string): Promise<Map<string, SearchAttributeTypeName | 'Unspecified'>> {
  const response = await connection.operatorService.listSearchAttributes({ namespace });
  const byNumber = new Map(Object.entries(INDEXED_VALUE_TYPE).map(([name, value]) => [value, name as SearchAttributeTypeName]));
  const result = new Map<string, SearchAttributeTypeName | 'Unspecified'>();
  for (const [name, value] of Object.entries(response.customAttributes ?? {})) {
    result.set(name, byNumber.get(Number(value)) ?? 'Unspecified');
  }
  return result;
}
