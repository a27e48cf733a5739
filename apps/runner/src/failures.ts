import { ClapperError } from '@clapper/client';

/** One line saying what is wrong with the connection or token, and how to fix it. */
export function explainAuthFailure(error: unknown, url: string): string {
  const e = ClapperError.from(error);
  if (e.code === 'NETWORK') {
    return `cannot reach Clapper at ${url} (${e.message}): start the server or set CLAPPER_URL / --url`;
  }
  if (e.code !== 'UNAUTHORIZED') return `${url} refused the token: ${e.code} ${e.message}`;
  const fixes: [RegExp, string][] = [
    [
      /^Malformed token/,
      'the token is malformed: set CLAPPER_TOKEN to the whole token printed when the bot was created',
    ],
    [
      /^Token expired/,
      "the token has expired: move the bot's expiry date in the admin (Bots), then regenerate its token",
    ],
    [/^Token revoked/, 'the token was revoked by a regeneration: use the new token'],
    [/^Bot is inactive/, 'the bot is inactive: activate it in the admin (Bots) and run again'],
    [/^Bot no longer exists/, 'the bot was deleted: create a new bot and use its token'],
    [
      /^Invalid token signature/,
      `the token was not issued by ${url}: check CLAPPER_URL and CLAPPER_TOKEN belong together`,
    ],
    [/^Token algorithm not allowed/, 'the token is not a Clapper token (its algorithm is refused)'],
  ];
  const fix = fixes.find(([pattern]) => pattern.test(e.message));
  return fix ? fix[1] : `the token was refused: ${e.message}`;
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
