/**
 * Multipart upload with progress. `fetch` cannot report upload progress, so this one call uses
 * XMLHttpRequest; headers, credentials and errors behave as in `requestJson`.
 */
import { authorizationHeaders, reportUnauthorized } from './credentials';
import { ApiError, apiUrl, errorOf, parseBody } from './http';

export interface UploadOptions {
  /** Fraction sent so far, 0…1. */
  onProgress?: (fraction: number) => void;
  signal?: AbortSignal;
}

export function uploadForm<T>(path: string, form: FormData, options: UploadOptions = {}): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', apiUrl(path));
    request.setRequestHeader('accept', 'application/json');
    for (const [name, value] of Object.entries(authorizationHeaders())) request.setRequestHeader(name, value);
    request.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) options.onProgress?.(event.loaded / event.total);
    };
    request.onload = () => {
      const body = parseBody(request.responseText);
      if (request.status === 401) reportUnauthorized();
      if (request.status >= 200 && request.status < 300) {
        options.onProgress?.(1);
        resolve(body as T);
      } else {
        reject(errorOf(request.status, body));
      }
    };
    request.onerror = () => reject(new ApiError(0, 'network_error', 'The upload failed: network error'));
    request.onabort = () => reject(new ApiError(0, 'aborted', 'The upload was cancelled'));
    options.signal?.addEventListener('abort', () => request.abort(), { once: true });
    request.send(form);
  });
}
