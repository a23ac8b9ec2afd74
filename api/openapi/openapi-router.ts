/**
 * `GET /api/openapi.json` (OpenAPI 3.1, built from the routes' zod schemas, listing only the routes this app
 * mounts) and `GET /api/docs` (Swagger UI, served from the `swagger-ui-dist` package: no CDN, and no inline
 * script, so the API's Content-Security-Policy `script-src 'self'` holds). Both are public: they describe
 * the API, they expose no data.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import express, { type Application, type Router } from 'express';
import { buildOpenApiDocument, type OpenApiDocument } from './document.js';
import { mountedRoutes } from './mounted-routes.js';

const swaggerUiDirectory = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
/** The only files of the package the page loads. */
const ASSETS = ['swagger-ui.css', 'swagger-ui-bundle.js', 'swagger-ui-standalone-preset.js', 'favicon-32x32.png'] as const;

const DOCS_HTML = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>AgentCraft API</title>
  <link rel="stylesheet" href="/api/docs/assets/swagger-ui.css">
  <link rel="icon" type="image/png" href="/api/docs/assets/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/api/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/api/docs/assets/swagger-ui-standalone-preset.js"></script>
  <script src="/api/docs/init.js"></script>
</body>
</html>
`;

const INIT_SCRIPT = `window.ui = SwaggerUIBundle({
  url: '/api/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
  layout: 'StandaloneLayout',
  persistAuthorization: false,
});
`;

export function openApiRouter(options: { version?: string } = {}): Router {
  const router = express.Router();
  const documents = new WeakMap<Application, OpenApiDocument>();

  router.get('/api/openapi.json', (request, response) => {
    // Built on first use, when every router is mounted: the document lists what this app serves.
    let document = documents.get(request.app);
    if (document === undefined) {
      document = buildOpenApiDocument({ include: mountedRoutes(request.app), ...(options.version === undefined ? {} : { version: options.version }) });
      documents.set(request.app, document);
    }
    response.json(document);
  });

  router.get('/api/docs', (_request, response) => {
    response.type('html').send(DOCS_HTML);
  });

  router.get('/api/docs/init.js', (_request, response) => {
    response.type('application/javascript').send(INIT_SCRIPT);
  });

  for (const asset of ASSETS) {
    router.get(`/api/docs/assets/${asset}`, (_request, response, next) => {
      response.setHeader('cache-control', 'public, max-age=86400');
      response.sendFile(path.join(swaggerUiDirectory, asset), (error) => {
        if (error !== undefined) next(error);
      });
    });
  }
  return router;
}
