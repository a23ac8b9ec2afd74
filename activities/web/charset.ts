/**
 * Bytes → text with the right character set: a byte-order mark wins, then the `charset` of Content-Type,
 * then (HTML only) a `<meta charset>` / `http-equiv` declaration in the first 1024 bytes, else UTF-8.
 * Decoding uses the WHATWG `TextDecoder` (Node ships the full ICU, so legacy charsets such as windows-1252,
 * ISO-8859-x and Shift_JIS work); an unknown label falls back to UTF-8.
 */

const META_SNIFF_BYTES = 1024;

/** The media type of a Content-Type header, lower case, without parameters (`text/html`). */
export function mediaType(contentType: string): string {
  return (contentType.split(';')[0] ?? '').trim().toLowerCase();
}

/** The `charset` parameter of a Content-Type header, if any. */
export function charsetOf(contentType: string): string | undefined {
  const match = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType);
  return match?.[1]?.toLowerCase();
}

/** Decodes `bytes` as described above. */
export function decodeText(bytes: Uint8Array, contentType: string, sniffHtmlMeta: boolean): string {
  const label = bomCharset(bytes) ?? charsetOf(contentType) ?? (sniffHtmlMeta ? metaCharset(bytes) : undefined) ?? 'utf-8';
  return decoderFor(label).decode(bytes);
}

function decoderFor(label: string): InstanceType<typeof TextDecoder> {
  try {
    return new TextDecoder(label);
  } catch {
    return new TextDecoder('utf-8');
  }
}

function bomCharset(bytes: Uint8Array): string | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  return undefined;
}

/** `<meta charset="x">` or `<meta http-equiv="content-type" content="text/html; charset=x">` near the top. */
function metaCharset(bytes: Uint8Array): string | undefined {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, META_SNIFF_BYTES));
  const direct = /<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)/i.exec(head);
  return direct?.[1]?.toLowerCase();
}
