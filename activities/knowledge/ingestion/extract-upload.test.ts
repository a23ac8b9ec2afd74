import { PDFDocument, StandardFonts } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { extractUpload, uploadKindOf } from './extract-upload.js';

const text = (value: string) => new TextEncoder().encode(value);

describe('extractUpload', () => {
  it('detects the kind by magic bytes, media type and extension', () => {
    expect(uploadKindOf({ filename: 'a.bin', mediaType: 'application/octet-stream', body: text('%PDF-1.7') })).toBe('pdf');
    expect(uploadKindOf({ filename: 'notes.md', mediaType: 'text/plain', body: text('# x') })).toBe('markdown');
    expect(uploadKindOf({ filename: 'page', mediaType: 'text/html; charset=utf-8', body: text('<p>x</p>') })).toBe('html');
    expect(uploadKindOf({ filename: 'fake.pdf', mediaType: 'application/octet-stream', body: text('not a pdf') })).toBeNull();
    expect(uploadKindOf({ filename: 'logo.png', mediaType: 'image/png', body: new Uint8Array([0x89, 0x50]) })).toBeNull();
  });

  it('reads Markdown and plain text as they are, titled by the first heading or the file name', async () => {
    await expect(extractUpload({ filename: 'a.md', mediaType: 'text/markdown', body: text('# Refunds\n\nFive days.'), title: null })).resolves.toEqual({ title: 'Refunds', markdown: '# Refunds\n\nFive days.' });
    await expect(extractUpload({ filename: 'release_notes.txt', mediaType: 'text/plain', body: text('Version 2 ships.'), title: null })).resolves.toMatchObject({ title: 'release notes' });
    await expect(extractUpload({ filename: 'a.md', mediaType: 'text/markdown', body: text('# x\n\ny'), title: ' Given ' })).resolves.toMatchObject({ title: 'Given' });
  });

  it('extracts readable HTML and the text of every PDF page', async () => {
    const html = await extractUpload({ filename: 'faq.html', mediaType: 'text/html', body: text('<html><head><title>FAQ</title><script>evil()</script></head><body><nav>Home | About</nav><main><h1>FAQ</h1><p>Refunds take five days.</p></main></body></html>'), title: null });
    expect(html.title).toBe('FAQ');
    expect(html.markdown).toContain('Refunds take five days.');
    expect(html.markdown).not.toContain('evil');

    const pdf = await PDFDocument.create();
    const font = await pdf.embedFont(StandardFonts.Helvetica);
    pdf.addPage().drawText('First page about invoices.', { x: 50, y: 700, size: 12, font });
    pdf.addPage().drawText('Second page about refunds.', { x: 50, y: 700, size: 12, font });
    const extracted = await extractUpload({ filename: 'billing-guide.pdf', mediaType: 'application/pdf', body: await pdf.save(), title: null });
    expect(extracted.title).toBe('billing guide');
    expect(extracted.markdown).toMatch(/## Page 1\n\nFirst page about invoices\./);
    expect(extracted.markdown).toMatch(/## Page 2\n\nSecond page about refunds\./);
  });

  it('fails non-retryably for unreadable and empty files', async () => {
    await expect(extractUpload({ filename: 'broken.pdf', mediaType: 'application/pdf', body: text('%PDF-1.7 garbage'), title: null })).rejects.toMatchObject({ type: 'InvalidInput', nonRetryable: true });
    await expect(extractUpload({ filename: 'empty.md', mediaType: 'text/markdown', body: text('   \n'), title: null })).rejects.toMatchObject({ type: 'InvalidInput' });
    await expect(extractUpload({ filename: 'latin1.txt', mediaType: 'text/plain', body: new Uint8Array([0xff, 0xfe, 0xe9]), title: null })).rejects.toThrow(/UTF-8/);
  });
});
