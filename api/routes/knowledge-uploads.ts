/** `multipart/form-data` uploads for `POST /api/knowledge/documents`: one `file` (≤ 20 MiB) held in memory. */
import type { RequestHandler } from 'express';
import multer from 'multer';
import { ApiError, ErrorCode } from '../errors.js';

export const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;

const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 10, fieldSize: 4096 } }).single('file');

/** Parses the multipart body into `request.file` and `request.body`; client mistakes become 400/413/415. */
export const uploadBody: RequestHandler = (request, response, next) => {
  if (request.is('multipart/form-data') === false || request.is('multipart/form-data') === null) {
    next(new ApiError(415, ErrorCode.unsupportedMediaType, 'Content-Type must be multipart/form-data with a "file" part'));
    return;
  }
  upload(request, response, (error: unknown) => {
    if (error === undefined || error === null) {
      next();
      return;
    }
    if (error instanceof multer.MulterError) {
      next(
        error.code === 'LIMIT_FILE_SIZE'
          ? new ApiError(413, ErrorCode.payloadTooLarge, `The file exceeds ${MAX_UPLOAD_BYTES} bytes`)
          : new ApiError(400, ErrorCode.invalidRequest, `Invalid upload: ${error.message}${error.field === undefined ? '' : ` (${error.field})`}`),
      );
      return;
    }
    next(new ApiError(400, ErrorCode.invalidRequest, `Invalid upload: ${error instanceof Error ? error.message : 'malformed multipart body'}`));
  });
};
