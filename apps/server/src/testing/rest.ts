import { REST_BASE } from '@clapper/api';

export interface RestAnswer {
  status: number;
  headers: Headers;
  /** The parsed JSON body (undefined when it is not JSON); tests read into it what they assert. */
  // biome-ignore lint/suspicious/noExplicitAny: an answer's shape is what the test checks
  body: any;
}

export interface RestRequest {
  token?: string;
  query?: Record<string, string | number | boolean | undefined>;
  /** Sent as JSON; a string is sent as is. */
  body?: unknown;
  headers?: Record<string, string>;
}

/** One REST call, as a Python script would make it: `/api/v1` + path, plain JSON. */
export async function restCall(
  server: { url: string },
  method: string,
  path: string,
  { token, query, body, headers }: RestRequest = {},
): Promise<RestAnswer> {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined) search.set(key, String(value));
  }
  const qs = search.size ? `?${search}` : '';
  const res = await fetch(`${server.url}${REST_BASE}${path}${qs}`, {
    method,
    headers: {
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, body: jsonOrUndefined(await res.text()) };
}

/** A body's JSON, or undefined when it is not JSON (a proxy's HTML page, an empty body). */
export function jsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** gazu 1.1.12's User-Agent, which every request it sends carries. */
export const GAZU_USER_AGENT = 'CGWire Gazu 1.1.12';

/**
 * One request as gazu forms it (docs/gazu-requests.md): `path` relative to its host
 * (`<server>/api`), never a trailing slash, its User-Agent, the token as a Bearer when one is
 * set, and a body as `json.dumps` with `Content-Type: application/json`.
 */
export async function gazuCall(
  server: { url: string },
  method: string,
  path: string,
  { token, body }: { token?: string; body?: unknown } = {},
): Promise<RestAnswer> {
  const res = await fetch(`${server.url}/api/${path}`, {
    method,
    headers: {
      'user-agent': GAZU_USER_AGENT,
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, body: jsonOrUndefined(await res.text()) };
}
