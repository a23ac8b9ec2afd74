/**
 * Serves the built web app (`web/dist`) from the API's own origin, so `npm start` needs no second server
 * and the widget's `<script src=".../widget.js">` loads from the API it talks to. Mounted after every API
 * router: an API route always wins, and unknown `/api/...` paths keep their JSON 404.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { type Request, type RequestHandler, type Response } from 'express';

/** Vite names every file under `assets/` by its content hash: such a file never changes. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Everything else (`index.html`, `widget.js`) may change with the next build: revalidate each time. */
const REVALIDATE = 'no-cache';

/** True when `request` is a page navigation: a browser that asks for HTML rather than JSON. */
export function prefersHtml(request: Request): boolean {
  return request.accepts(['json', 'html']) === 'html';
}

/**
 * Static files of `directory` plus the single-page-app fallback (`index.html` for any GET navigation
 * outside `/api/` that no route answered). Null when `directory` holds no `index.html` (web app not built),
 * so the API behaves exactly as without it.
 */
export function webAppMiddleware(directory: string | undefined): RequestHandler | null {
  if (directory === undefined) return null;
  const root = path.resolve(directory);
  const indexFile = path.join(root, 'index.html');
  if (!existsSync(indexFile)) return null;

  const router = express.Router();
  router.use(
    express.static(root, {
      index: false,
      cacheControl: false,
      setHeaders: (response: Response, file: string) => {
        const relative = path.relative(root, file);
        response.setHeader('cache-control', relative.startsWith(`assets${path.sep}`) ? IMMUTABLE : REVALIDATE);
      },
    }),
  );
  router.use((request, response, next) => {
    const isNavigation = (request.method === 'GET' || request.method === 'HEAD') && !isApiPath(request.path) && prefersHtml(request);
    if (!isNavigation) {
      next();
      return;
    }
    response.sendFile(indexFile, { cacheControl: false, headers: { 'cache-control': REVALIDATE } }, (error) => {
      if (error !== undefined && !response.headersSent) next(error);
    });
  });
  return router;
}

function isApiPath(requestPath: string): boolean {
  return requestPath === '/api' || requestPath.startsWith('/api/');
}
