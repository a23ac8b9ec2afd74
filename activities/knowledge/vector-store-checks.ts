/**
 * Checks and rules every `VectorStore` adapter shares, so LanceDB and Qdrant reject the same bad input with
 * the same non-retryable failure and read filters the same way.
 */
import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../../domain/failure-types.js';
import type { VectorFilter, VectorRecord, VectorSearchRequest } from './vector-store.js';

/** Rejects a vector of the wrong size or with non-finite numbers (it would corrupt the index silently). */
export function checkVector(kind: string, dimensions: number, vector: number[], label: string): void {
  if (!Array.isArray(vector) || vector.length !== dimensions) {
    const size = Array.isArray(vector) ? vector.length : typeof vector;
    throw ApplicationFailure.nonRetryable(
      `Vector dimension mismatch: the ${kind} vector store holds ${dimensions}-dimension vectors, ${label} has ${size}`,
      FailureType.InvalidInput,
    );
  }
  if (!vector.every((value) => typeof value === 'number' && Number.isFinite(value))) {
    throw ApplicationFailure.nonRetryable(`${label} contains a non-finite number`, FailureType.InvalidInput);
  }
}

/** A tenant id is mandatory on every call: without it a query could cross tenants. */
export function checkTenant(tenantId: unknown): void {
  if (typeof tenantId !== 'string' || tenantId === '') {
    throw ApplicationFailure.nonRetryable('A vector store call needs a non-empty tenantId', FailureType.InvalidInput);
  }
}

/** Validates a batch and keeps the last record per (tenant, id), so a batch never conflicts with itself. */
export function checkedRecords(kind: string, dimensions: number, records: VectorRecord[]): VectorRecord[] {
  const byKey = new Map<string, VectorRecord>();
  for (const record of records) {
    checkTenant(record.tenantId);
    if (typeof record.id !== 'string' || record.id === '') {
      throw ApplicationFailure.nonRetryable('A vector record needs a non-empty id', FailureType.InvalidInput);
    }
    checkVector(kind, dimensions, record.vector, `record "${record.id}"`);
    byKey.set(`${record.tenantId}\u0000${record.id}`, record);
  }
  return [...byKey.values()];
}

/** Validates a search request (tenant, vector size, limit). */
export function checkSearch(kind: string, dimensions: number, request: VectorSearchRequest): void {
  checkTenant(request.filter.tenantId);
  checkVector(kind, dimensions, request.vector, 'the query vector');
  if (!Number.isInteger(request.limit) || request.limit < 0) {
    throw ApplicationFailure.nonRetryable(`limit must be a non-negative integer, got ${request.limit}`, FailureType.InvalidInput);
  }
}

/**
 * True when the filter can match nothing: an any-of list that is present but empty ("only these sources",
 * none given). Adapters answer such a filter without asking the store.
 */
export function matchesNothing(filter: VectorFilter): boolean {
  return [filter.sourceIds, filter.documentIds, filter.scopes].some((values) => values !== undefined && values.length === 0);
}
