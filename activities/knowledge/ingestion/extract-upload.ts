/**
 * Uploaded files → readable Markdown with a title: Markdown and plain text as they are, HTML through the web
 * adapters' readable-text extraction (Readability + turndown), PDF through `unpdf` (Mozilla's pdf.js), one
 * section per page. The kind is decided by content sniffing first (`%PDF-`), then media type, then extension.
 */
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { extractText, getDocumentProxy, getMeta } from 'unpdf';
import { FailureType } from '../../../domain/failure-types.js';
import { htmlToReadable, markdownTitle } from '../../web/html-to-markdown.js';

export const UploadKind = { markdown: 'markdown', text: 'text', html: 'html', pdf: 'pdf' } as const;
export type UploadKind = (typeof UploadKind)[keyof typeof UploadKind];

export interface ExtractedDocument {
  title: string;
  markdown: string;
}

const EXTENSIONS: Record<string, UploadKind> = {
  '.md': 'markdown',
  '.markdown': 'markdown',
  '.mdx': 'markdown',
  '.txt': 'text',
  '.text': 'text',
  '.html': 'html',
  '.htm': 'html',
  '.pdf': 'pdf',
};

const MEDIA_TYPES: Record<string, UploadKind> = {
  'text/markdown': 'markdown',
  'text/x-markdown': 'markdown',
  'text/plain': 'text',
  'text/html': 'html',
  'application/xhtml+xml': 'html',
  'application/pdf': 'pdf',
};

/** What kind of file this is, or null when it is none AgentCraft can read. */
export function uploadKindOf(input: { filename: string; mediaType: string; body: Uint8Array }): UploadKind | null {
  if (Buffer.from(input.body.subarray(0, 5)).toString('latin1') === '%PDF-') return 'pdf';
  const extension = EXTENSIONS[path.extname(input.filename).toLowerCase()];
  const mediaType = MEDIA_TYPES[input.mediaType.split(';')[0]?.trim().toLowerCase() ?? ''];
  // A generic "text/plain" or octet-stream says less than a `.md` or `.html` name.
  if (extension !== undefined && (mediaType === undefined || mediaType === 'text')) return extension === 'pdf' ? null : extension;
  return mediaType ?? null;
}

function baseName(filename: string): string {
  return path.basename(filename, path.extname(filename)).replace(/[-_]+/g, ' ').trim() || filename;
}

function invalid(message: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, FailureType.InvalidInput);
}

function decodeText(body: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body).replace(/^\uFEFF/, '');
  } catch {
    throw invalid('The file is not UTF-8 text');
  }
}

async function extractPdf(body: Uint8Array, filename: string): Promise<ExtractedDocument> {
  // pdf.js takes ownership of (detaches) the buffer it is given: hand it a copy.
  const pdf = await getDocumentProxy(new Uint8Array(body)).catch((error: unknown) => {
    throw invalid(`The PDF could not be read: ${error instanceof Error ? error.message : String(error)}`);
  });
  try {
    const { text } = await extractText(pdf, { mergePages: false });
    const info: Record<string, unknown> = await getMeta(pdf).then((meta) => meta.info, () => ({}));
    const metaTitle = typeof info.Title === 'string' ? info.Title.trim() : '';
    const title = metaTitle || baseName(filename);
    const pages = text.map((page, index) => `## Page ${index + 1}\n\n${page.replace(/[ \t]+\n/g, '\n').trim()}`).filter((page) => !/^## Page \d+\n\n$/.test(page));
    return { title, markdown: `# ${title}\n\n${pages.join('\n\n')}` };
  } finally {
    await pdf.loadingTask.destroy();
  }
}

/** Extracts title and Markdown; throws a non-retryable `InvalidInput` for unreadable or empty files. */
export async function extractUpload(input: { filename: string; mediaType: string; body: Uint8Array; title: string | null }): Promise<ExtractedDocument> {
  const kind = uploadKindOf(input);
  if (kind === null) throw invalid(`Unsupported file type: ${input.mediaType} (${input.filename}); upload Markdown, plain text, HTML or PDF`);
  let extracted: ExtractedDocument;
  if (kind === 'pdf') {
    extracted = await extractPdf(input.body, input.filename);
  } else if (kind === 'html') {
    const page = htmlToReadable(decodeText(input.body), `file:///${encodeURIComponent(input.filename)}`);
    extracted = { title: page.title || markdownTitle(page.markdown) || baseName(input.filename), markdown: page.markdown };
  } else {
    const text = decodeText(input.body);
    extracted = { title: (kind === 'markdown' ? markdownTitle(text) : '') || baseName(input.filename), markdown: text };
  }
  if (extracted.markdown.trim() === '') throw invalid(`The file ${input.filename} has no readable text`);
  return { title: input.title?.trim() || extracted.title, markdown: extracted.markdown };
}
