/** Typed calls to `/api/knowledge/*` (see `knowledge-types.ts`). */
import { requestJson } from './http';
import type {
  CreateKnowledgeSource,
  DocumentUploadAccepted,
  KnowledgeDocumentPage,
  KnowledgeSearchResult,
  KnowledgeSourceView,
} from './knowledge-types';
import { uploadForm, type UploadOptions } from './upload';

const segment = encodeURIComponent;

/** A query string of the defined parameters (`?a=1&b=x`, or ''). */
export function queryOf(parameters: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(parameters)) {
    if (value !== undefined && value !== null && value !== '') search.set(name, String(value));
  }
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}

export interface DocumentUpload {
  file: File;
  sourceId?: string;
  title?: string;
}

export interface SearchInput {
  q: string;
  limit?: number;
  scope?: string;
  sourceId?: string;
}

export const knowledgeApi = {
  async listSources(): Promise<KnowledgeSourceView[]> {
    return (await requestJson<{ sources: KnowledgeSourceView[] }>('/api/knowledge/sources')).sources;
  },
  createSource(input: CreateKnowledgeSource): Promise<{ source: KnowledgeSourceView; workflowId?: string }> {
    return requestJson('/api/knowledge/sources', { method: 'POST', body: input });
  },
  syncSource(id: string): Promise<{ workflowId: string }> {
    return requestJson(`/api/knowledge/sources/${segment(id)}/sync`, { method: 'POST' });
  },
  async deleteSource(id: string): Promise<void> {
    await requestJson<unknown>(`/api/knowledge/sources/${segment(id)}`, { method: 'DELETE' });
  },
  listDocuments(sourceId: string, limit: number, offset: number): Promise<KnowledgeDocumentPage> {
    return requestJson(`/api/knowledge/documents${queryOf({ sourceId, limit, offset })}`);
  },
  async deleteDocument(id: string): Promise<void> {
    await requestJson<unknown>(`/api/knowledge/documents/${segment(id)}`, { method: 'DELETE' });
  },
  uploadDocument(upload: DocumentUpload, options: UploadOptions = {}): Promise<DocumentUploadAccepted> {
    const form = new FormData();
    form.set('file', upload.file, upload.file.name);
    if (upload.sourceId !== undefined) form.set('sourceId', upload.sourceId);
    if (upload.title !== undefined && upload.title !== '') form.set('title', upload.title);
    return uploadForm<DocumentUploadAccepted>('/api/knowledge/documents', form, options);
  },
  search(input: SearchInput, signal?: AbortSignal): Promise<KnowledgeSearchResult> {
    return requestJson(`/api/knowledge/search${queryOf({ ...input })}`, signal === undefined ? {} : { signal });
  },
};
