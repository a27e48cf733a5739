import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

// Its folder, without loading its index (which evaluates the whole browser bundle).
const SWAGGER_UI_DIR = dirname(
  createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'),
);

/** The files of swagger-ui-dist the page loads; nothing else of the package is served. */
const ASSETS = ['swagger-ui.css', 'swagger-ui-bundle.js', 'favicon-32x32.png'];

const page = (documentUrl: string) => `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Clapper REST API</title>
    <link rel="stylesheet" href="/api/docs/swagger-ui.css" />
    <link rel="icon" type="image/png" href="/api/docs/favicon-32x32.png" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="/api/docs/swagger-ui-bundle.js"></script>
    <script src="/api/docs/init.js" data-url="${documentUrl}"></script>
  </body>
</html>
`;

const init = `const url = document.currentScript.dataset.url;
window.ui = SwaggerUIBundle({ url, dom_id: '#swagger-ui', deepLinking: true, persistAuthorization: true });
`;

/**
 * `/api/docs`: Swagger UI (swagger-ui-dist, from the npm registry, served from this server: no
 * CDN) showing the OpenAPI document, with "Authorize" for a bot token and "Try it out".
 */
export async function registerApiDocs(app: FastifyInstance, documentUrl: string) {
  const html = page(documentUrl);
  for (const url of ['/api/docs', '/api/docs/']) {
    app.get(url, (_req, reply) => reply.type('text/html; charset=utf-8').send(html));
  }
  app.get('/api/docs/init.js', (_req, reply) =>
    reply.type('text/javascript; charset=utf-8').send(init),
  );
  await app.register(fastifyStatic, {
    root: SWAGGER_UI_DIR,
    prefix: '/api/docs/',
    decorateReply: false,
    index: false,
    wildcard: false,
    allowedPath: (path) => ASSETS.includes(path.replace(/^\//, '')),
  });
}
