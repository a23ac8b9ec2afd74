/**
 * Upload documents (Markdown, plain text, HTML, PDF; ≤ 20 MiB each) by choosing files or dropping them,
 * into the default "Uploads" source or a chosen upload source. Each file shows its own progress and result.
 */
import { useId, useState, type DragEvent, type ReactNode } from 'react';
import { knowledgeApi } from '../api/knowledge-client';
import { UPLOAD_ACCEPT, UPLOAD_EXTENSIONS, UPLOAD_MAX_BYTES, type KnowledgeSourceView } from '../api/knowledge-types';
import { messageOf } from '../components/format';

interface UploadItem {
  key: string;
  name: string;
  size: number;
  state: 'queued' | 'uploading' | 'accepted' | 'rejected' | 'failed';
  fraction: number;
  message: string;
}

/** Why a file cannot be uploaded, or null. */
export function rejectionOf(file: { name: string; size: number }): string | null {
  const extension = file.name.split('.').pop()?.toLowerCase() ?? '';
  if (!(UPLOAD_EXTENSIONS as readonly string[]).includes(extension)) return 'Not a Markdown, text, HTML or PDF file.';
  if (file.size > UPLOAD_MAX_BYTES) return 'Larger than 20 MiB.';
  if (file.size === 0) return 'The file is empty.';
  return null;
}

function sizeOf(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

let nextKey = 0;

export function UploadPanel({ sources, onUploaded }: { sources: KnowledgeSourceView[]; onUploaded: (announcement: string) => void }): ReactNode {
  const [items, setItems] = useState<UploadItem[]>([]);
  const [sourceId, setSourceId] = useState('');
  const [dragging, setDragging] = useState(false);
  const id = useId();
  const uploadSources = sources.filter((source) => source.kind === 'upload');
  const update = (key: string, patch: Partial<UploadItem>): void => setItems((previous) => previous.map((item) => (item.key === key ? { ...item, ...patch } : item)));

  const uploadAll = async (files: File[]): Promise<void> => {
    const queued = files.map((file) => {
      const rejection = rejectionOf(file);
      nextKey += 1;
      const item: UploadItem = { key: `u${nextKey}`, name: file.name, size: file.size, state: rejection === null ? 'queued' : 'rejected', fraction: 0, message: rejection ?? 'Waiting…' };
      return { file, item };
    });
    setItems((previous) => [...queued.map(({ item }) => item), ...previous]);
    // One at a time: a large PDF should not starve the others, and the server ingests each in order.
    for (const { file, item } of queued) {
      if (item.state === 'rejected') continue;
      update(item.key, { state: 'uploading', message: 'Uploading…' });
      try {
        await knowledgeApi.uploadDocument(
          { file, ...(sourceId === '' ? {} : { sourceId }) },
          { onProgress: (fraction) => update(item.key, { fraction }) },
        );
        update(item.key, { state: 'accepted', fraction: 1, message: 'Uploaded — being indexed.' });
        onUploaded(`${file.name} uploaded.`);
      } catch (caught) {
        update(item.key, { state: 'failed', message: messageOf(caught, 'Upload failed') });
      }
    }
  };

  const onDrop = (event: DragEvent<HTMLDivElement>): void => {
    event.preventDefault();
    setDragging(false);
    void uploadAll(Array.from(event.dataTransfer.files));
  };

  return (
    <div>
      <div className="field inline">
        <label htmlFor={`${id}-source`}>Into</label>
        <select id={`${id}-source`} value={sourceId} onChange={(event) => setSourceId(event.target.value)}>
          <option value="">Uploads (default)</option>
          {uploadSources.map((source) => (
            <option key={source.id} value={source.id}>
              {source.name}
            </option>
          ))}
        </select>
      </div>
      <div
        className={`dropzone${dragging ? ' dropzone-active' : ''}`}
        data-testid="dropzone"
        onDragOver={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <p>Drop Markdown, text, HTML or PDF files here (up to 20 MiB each), or</p>
        <label htmlFor={`${id}-files`} className="button">
          Choose files…
        </label>
        <input
          id={`${id}-files`}
          className="visually-hidden"
          type="file"
          multiple
          accept={UPLOAD_ACCEPT}
          onChange={(event) => {
            const files = Array.from(event.target.files ?? []);
            event.target.value = '';
            void uploadAll(files);
          }}
        />
      </div>
      {items.length > 0 && (
        <ul className="upload-list" aria-label="Uploads">
          {items.map((item) => (
            <li key={item.key} data-state={item.state}>
              <span className="upload-name">{item.name}</span> <span className="muted small">{sizeOf(item.size)}</span>
              {(item.state === 'uploading' || item.state === 'accepted') && (
                <progress aria-label={`Upload of ${item.name}`} value={Math.round(item.fraction * 100)} max={100} />
              )}
              <span className={item.state === 'failed' || item.state === 'rejected' ? 'error-text small' : 'muted small'}>{item.message}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
