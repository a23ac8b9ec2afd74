/**
 * The relational database: kysely table types and the one factory that connects to PostgreSQL (`pg` pool,
 * production) or PGlite (embedded Postgres in WebAssembly, the default). Both speak the same SQL, so one
 * set of migrations serves both.
 */
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PGliteDialect, PGliteDriver, PostgresDialect } from 'kysely';
import type { ColumnType, Dialect, Generated, PGliteDialectConfig } from 'kysely';
import pg from 'pg';
import { createLogger, type Logger } from '../../domain/logger.js';
import { lockPGliteDirectory } from './pglite-directory-lock.js';

/** A timestamptz column: drivers return `Date` (normalised to ISO strings by the store). */
type Timestamp = ColumnType<Date | string, Date | string, Date | string>;
type TimestampWithDefault = ColumnType<Date | string, Date | string | undefined, Date | string>;
/** A jsonb column: reads as the parsed value, written as JSON text (both drivers parse jsonb on read). */
type JsonWithDefault<T> = ColumnType<T, string | undefined, string>;

/** One conversation (the Temporal workflow `conversation-<id>`). */
export interface ConversationTable {
  id: string;
  tenant_id: string;
  customer_id: string | null;
  status: ColumnType<string, string | undefined, string>;
  metadata: JsonWithDefault<Record<string, unknown>>;
  created_at: TimestampWithDefault;
  updated_at: TimestampWithDefault;
}

/** One chat message. */
export interface MessageTable {
  /** Derived from the turn (`<turnId>:user`), so a retried insert is a no-op. */
  id: string;
  conversation_id: string;
  turn_id: string;
  role: string;
  content: string;
  citations: JsonWithDefault<unknown[]>;
  confidence: number | null;
  created_at: TimestampWithDefault;
}

/** One turn and its trace; JSON columns hold the domain objects as-is. */
export interface TurnTable {
  id: string;
  conversation_id: string;
  turn_number: number;
  workflow_id: string;
  status: ColumnType<string, string | undefined, string>;
  route: ColumnType<unknown, string | null | undefined, string | null>;
  retrieval: JsonWithDefault<unknown[]>;
  retrieval_hits: JsonWithDefault<unknown[]>;
  agents: JsonWithDefault<string[]>;
  llm_calls: JsonWithDefault<unknown[]>;
  qa: JsonWithDefault<unknown[]>;
  escalated: Generated<boolean>;
  escalation_id: string | null;
  confidence: number | null;
  /** double precision: a cost is an estimate, and pg would return `numeric` as a string. */
  cost_usd: Generated<number>;
  created_at: TimestampWithDefault;
  finished_at: ColumnType<Date | string | null, Date | string | null | undefined, Date | string | null>;
}

/** Timing of one pipeline stage of a turn; primary key (turn_id, stage). */
export interface TurnStageTable {
  turn_id: string;
  stage: string;
  started_at: Timestamp;
  finished_at: Timestamp;
  duration_ms: number;
  status: string;
}

/** A knowledge-base document; `content_hash` lets re-ingestion skip unchanged documents. */
export interface KnowledgeDocumentTable {
  id: string;
  tenant_id: string;
  source_id: string;
  title: string;
  url: string | null;
  content_hash: string;
  updated_at: Timestamp;
  /** Agent knowledge scopes (migration 0006, `text[]`), GIN-indexed for `&&` filters. */
  scopes: ColumnType<string[], string[] | undefined, string[]>;
  /** `provider/modelId/dimensions` of the vectors indexed for it, or null (lexical only). */
  embedding_model: ColumnType<string | null, string | null | undefined, string | null>;
}

/** A searchable chunk of a document (tenant copied in so the tenant filter applies to chunks directly). */
export interface KnowledgeChunkTable {
  id: string;
  document_id: string;
  tenant_id: string;
  ordinal: number;
  heading: string | null;
  text: string;
  /** Weighted tsvector (title A, heading B, text D), computed on insert; searched through a GIN index. */
  search_vector: string;
}

/** In how many of a tenant's chunks a lexeme occurs; kept by triggers on `knowledge_chunks` (migration 0010). */
export interface KnowledgeTermStatsTable {
  tenant_id: string;
  lexeme: string;
  chunk_count: number;
}

/** A tenant's chunk count and summed chunk length (distinct lexemes); kept by the same triggers. */
export interface KnowledgeTenantStatsTable {
  tenant_id: string;
  chunk_count: string | number;
  total_length: string | number;
}

/** An answer held for human review. */
export interface EscalationTable {
  id: string;
  conversation_id: string;
  turn_id: string;
  reason: string;
  draft_answer: string;
  status: ColumnType<string, string | undefined, string>;
  reviewer: string | null;
  final_answer: string | null;
  created_at: TimestampWithDefault;
  resolved_at: ColumnType<Date | string | null, Date | string | null | undefined, Date | string | null>;
  tenant_id: ColumnType<string, string | undefined, string>;
  team: string | null;
  question: ColumnType<string, string | undefined, string>;
  agents: JsonWithDefault<string[]>;
  evidence: JsonWithDefault<unknown[]>;
  assignee: string | null;
  remind_at: ColumnType<Date | string | null, Date | string | null | undefined, Date | string | null>;
  deadline_at: ColumnType<Date | string | null, Date | string | null | undefined, Date | string | null>;
  reminders: Generated<number>;
  note: string | null;
}

/** Append-only record of who did what (review decisions, catalog edits, …). */
export interface AuditLogTable {
  id: Generated<string>;
  tenant_id: string;
  actor: string;
  action: string;
  subject_type: string;
  subject_id: string;
  details: JsonWithDefault<Record<string, unknown>>;
  idempotency_key: string | null;
  at: TimestampWithDefault;
}

/** Every table of the store, as kysely sees them. */
export interface Database {
  conversations: ConversationTable;
  messages: MessageTable;
  turns: TurnTable;
  turn_stages: TurnStageTable;
  knowledge_documents: KnowledgeDocumentTable;
  knowledge_chunks: KnowledgeChunkTable;
  knowledge_term_stats: KnowledgeTermStatsTable;
  knowledge_tenant_stats: KnowledgeTenantStatsTable;
  escalations: EscalationTable;
  audit_log: AuditLogTable;
}

/** Where the database lives: see `createDatabase`. */
export interface DatabaseOptions {
  /** PostgreSQL connection string; when set, PGlite is not used. */
  databaseUrl?: string;
  /** PGlite data directory; without it (and without a URL) the database lives in memory (tests). */
  pgliteDirectory?: string;
  /** Upper bound of the `pg` pool (default 10). */
  maxConnections?: number;
  logger?: Logger;
}

/** A PGlite driver that also gives up the data directory's owner file when the database is destroyed. */
class DirectoryPGliteDriver extends PGliteDriver {
  readonly #release: () => void;

  constructor(config: PGliteDialectConfig, release: () => void) {
    super(config);
    this.#release = release;
  }

  override async destroy(): Promise<void> {
    try {
      await super.destroy();
    } finally {
      this.#release();
    }
  }
}

/** PGlite on disk, owning its data directory from the first query until `destroy()`. */
function createDirectoryPGliteDialect(directory: string): Dialect {
  let release = (): void => {};
  const config: PGliteDialectConfig = {
    pglite: async () => {
      release = lockPGliteDirectory(directory);
      try {
        return await PGlite.create(directory);
      } catch (error) {
        release();
        throw error;
      }
    },
  };
  const base = new PGliteDialect(config);
  return {
    createAdapter: () => base.createAdapter(),
    createDriver: () => new DirectoryPGliteDriver(config, () => release()),
    createIntrospector: (db) => base.createIntrospector(db),
    createQueryCompiler: () => base.createQueryCompiler(),
  };
}

/**
 * Connects lazily (nothing happens until the first query): PostgreSQL when `databaseUrl` is set, else PGlite
 * on disk under `pgliteDirectory` (one process per directory, enforced), else PGlite in memory.
 * `destroy()` ends the pool or closes PGlite.
 */
export function createDatabase(options: DatabaseOptions): Kysely<Database> {
  if (options.databaseUrl !== undefined) {
    const logger = options.logger ?? createLogger({ name: 'persistence' });
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.maxConnections ?? 10 });
    // An idle client losing its connection emits 'error' on the pool; unhandled, it would kill the process.
    pool.on('error', (error) => logger.warn({ err: error }, 'idle PostgreSQL connection failed'));
    return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  }
  if (options.pgliteDirectory !== undefined) {
    return new Kysely<Database>({ dialect: createDirectoryPGliteDialect(options.pgliteDirectory) });
  }
  return new Kysely<Database>({ dialect: new PGliteDialect({ pglite: () => new PGlite() }) });
}
