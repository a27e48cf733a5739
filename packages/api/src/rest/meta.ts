import type { OpenApiMeta } from 'trpc-to-openapi';
import type { ZodType } from 'zod';

/**
 * A procedure's meta: its REST route (`trpc-to-openapi`'s `openapi`, under `/api/v1`) and the
 * JSON its success answers there (`rest/wire.ts`). The output schema describes the REST wire for
 * the OpenAPI document only: the procedure's type still comes from its handler, and nothing
 * parses its answers on either surface (the REST tests check every answer against it).
 */
export interface ClapperMeta extends OpenApiMeta {
  output?: ZodType;
}

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** The errors every authenticated route can answer; the document shows `Error` for each. */
const ERRORS = {
  400: 'Bad input: `field` names the input at fault',
  401: 'No credential, or one refused: `reason` says why',
  403: 'Refused to this caller: `reason` says why (`user_only_route`, `role_forbidden`)',
  404: 'Not found, or not visible to this caller',
  409: 'Conflicts with the data (a name already taken, an idempotency key in use)',
  413: 'Request body over 1 MiB',
  429: 'Rate limit reached: see Retry-After',
} as const;

/** `.meta(rest('GET', '/projects/{id}', Project, 'A project'))`: the route, answer and summary. */
export function rest(
  method: Method,
  path: `/${string}`,
  output: ZodType,
  summary: string,
): ClapperMeta {
  return {
    openapi: { method, path, summary, protect: true, errorResponses: ERRORS },
    output,
  };
}
