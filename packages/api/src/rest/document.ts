import type { AnyTRPCRouter } from '@trpc/server';
import type { ClapperMeta } from './meta';
import { ErrorBody } from './wire';

export const REST_BASE = '/api/v1';

interface Procedure {
  _def: { type: string; meta?: ClapperMeta; inputs: unknown[] };
}

/** A procedure served over REST: its tRPC path, its HTTP method and route (under `REST_BASE`). */
export interface RestRoute {
  procedurePath: string;
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** As in the meta: `/tasks/{taskId}/comments`. */
  path: string;
  procedure: Procedure;
  meta: ClapperMeta & { openapi: NonNullable<ClapperMeta['openapi']> };
}

/** Every procedure with an `openapi` meta. */
export function restRoutes(router: AnyTRPCRouter): RestRoute[] {
  const procedures = router._def.procedures as Record<string, Procedure>;
  return Object.entries(procedures).flatMap(([procedurePath, procedure]) => {
    const openapi = procedure._def.meta?.openapi;
    if (!openapi || openapi.enabled === false) return [];
    const meta = procedure._def.meta as ClapperMeta & { openapi: object };
    return [{ procedurePath, method: openapi.method, path: openapi.path, procedure, meta }];
  });
}

/**
 * The OpenAPI 3.1 document of the REST routes, by trpc-to-openapi. It reads an output schema
 * where tRPC keeps `.output()`'s: each procedure is shown to it with its meta's `output` there,
 * so no answer is parsed at run time. Every error answers one body, `Error`. trpc-to-openapi is
 * loaded here only (its adapters bring ~200 ms of modules a start would otherwise wait for).
 */
export async function openApiDocument(router: AnyTRPCRouter, version: string) {
  const { generateOpenApiDocument } = await import('trpc-to-openapi');
  const described = Object.fromEntries(
    restRoutes(router).map(({ procedurePath, procedure, meta }) => [
      procedurePath,
      {
        _def: {
          ...procedure._def,
          output: procedure._def.meta?.output,
          // Grouped by router: `tasks.list` is under tasks, whatever its path.
          meta: { ...meta, openapi: { ...meta.openapi, tags: [procedurePath.split('.')[0]] } },
        },
      },
    ]),
  );
  const document = generateOpenApiDocument({ _def: { procedures: described } } as never, {
    title: 'Clapper REST API',
    version,
    baseUrl: REST_BASE,
    description:
      'The tRPC procedures a script calls, as plain JSON over HTTP. Authenticate with `Authorization: Bearer <bot token>`. Every error answers `{ code, message, field, reason }`.',
    defs: { Error: ErrorBody },
  });
  const error = { $ref: '#/components/schemas/Error' };
  for (const item of Object.values(document.paths ?? {})) {
    for (const operation of Object.values(item)) {
      const responses = (operation as { responses?: Record<string, { content?: object }> })
        .responses;
      for (const [status, response] of Object.entries(responses ?? {})) {
        if (status !== '200') response.content = { 'application/json': { schema: error } };
      }
    }
  }
  const schemas = document.components?.schemas ?? {};
  for (const name of Object.keys(schemas)) if (name.startsWith('error.')) delete schemas[name];
  return document;
}
