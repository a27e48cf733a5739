import { ClapperError } from '@clapper/client';

/** A Clapper token is a JWT: three base64url parts joined by dots. */
const JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const JWT_INSIDE = /eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/;

/**
 * Checks the token's shape before it is sent: a value that is not a JWT (a
 * token file that also holds pnpm's `> clapper@ cli …` banner, say) is said to
 * be malformed here, instead of failing as a header `fetch` cannot send.
 * Returns the one line to print, or undefined when the shape is right.
 */
export function explainMalformedToken(token: string): string | undefined {
  if (JWT.test(token)) return undefined;
  if (JWT_INSIDE.test(token)) {
    return "the token is malformed: CLAPPER_TOKEN (or --token) holds other text around the token (a `> clapper@…` line is pnpm's banner: write tokens with `pnpm -s cli …`); set it to the token alone";
  }
  return 'the token is malformed (a Clapper token is three base64url parts joined by dots): set CLAPPER_TOKEN (or --token) to the whole token printed when the bot was created';
}

/**
 * One line saying what is wrong with the connection or token, and how to fix
 * it: chosen by the server's `reason` (never its message), the tRPC code, or a
 * network failure.
 */
export function explainAuthFailure(error: unknown, url: string): string {
  const e = ClapperError.from(error);
  if (e.code === 'NETWORK') {
    const status = answeredStatus(error);
    if (status !== undefined) {
      return `${url} answered HTTP ${status}, not as a Clapper server does: check CLAPPER_URL / --url`;
    }
    return `cannot reach Clapper at ${url} (${networkCause(error)}): start the server (\`pnpm start\`) or set CLAPPER_URL / --url`;
  }
  const reason = e.reason;
  switch (reason) {
    case 'no_credential':
      return 'no token reached the server (no_credential): set CLAPPER_TOKEN or pass --token';
    case 'malformed_token':
      return 'the token is malformed (malformed_token): set CLAPPER_TOKEN to the whole token printed when the bot was created';
    case 'bad_signature':
      return `the token was not issued by ${url} (bad_signature): check CLAPPER_URL and CLAPPER_TOKEN belong together`;
    case 'algorithm_refused':
      return 'the token is not a Clapper token (algorithm_refused): use the token printed when the bot was created';
    case 'token_expired':
    case 'bot_expired':
      return `the token has expired (${reason}): move the bot's expiry date in the admin (Bots), then regenerate its token`;
    case 'token_revoked':
      return 'the token was revoked by a regeneration (token_revoked): use the new token';
    case 'bot_inactive':
      return 'the bot is inactive (bot_inactive): activate it in the admin (Bots) and run again';
    case 'bot_deleted':
      return 'the bot was deleted (bot_deleted): create a new bot and use its token';
    case 'session_ended':
    case 'session_expired':
      return `the sign-in session is over (${reason}): use a bot token (create one in the admin, Bots)`;
    case 'user_inactive':
    case 'user_deleted':
      return `the token's user can no longer sign in (${reason}): use a bot token (create one in the admin, Bots)`;
    case 'database_unavailable':
    case 'database_full':
    case 'database_read_only':
      return `${url} cannot reach its database (${reason}): ${e.message}`;
    case 'invalid_credentials':
    case 'user_only_route':
    case 'role_forbidden':
    case null:
      return `${url} refused the token: ${e.code}${reason ? ` (${reason})` : ''} ${e.message}`;
    default:
      return `${url} refused the token: ${e.code} (${reason satisfies never}) ${e.message}`;
  }
}

/** The HTTP status of an answer that was not tRPC's (another server at that URL). */
function answeredStatus(error: unknown): number | undefined {
  const meta = (error as { meta?: { response?: { status?: unknown } } } | null)?.meta;
  const status = meta?.response?.status;
  return typeof status === 'number' ? status : undefined;
}

const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'no such host',
  EAI_AGAIN: 'host name lookup failed',
  ETIMEDOUT: 'timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
};

/** The deepest cause's system code in words (`connection refused`), else its message. */
function networkCause(error: unknown): string {
  let message = error instanceof Error ? error.message : String(error);
  for (let at: unknown = error, depth = 0; at && depth < 5; depth++) {
    const { code, cause } = at as { code?: unknown; cause?: unknown };
    if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return NETWORK_CODES[code] ?? code;
    if (at instanceof Error && at.message) message = at.message;
    at = cause;
  }
  return message;
}

/** How a failed script is reported: a Clapper error as code and message, anything else with its stack. */
export function describeScriptError(error: unknown): string {
  if (error instanceof ClapperError) return `${error.code}: ${error.message}`;
  const name = (error as { name?: string })?.name;
  if (name === 'TRPCClientError') {
    const e = ClapperError.from(error);
    return `${e.code}: ${e.message}`;
  }
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
