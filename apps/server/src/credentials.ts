import type { FastifyReply, FastifyRequest } from 'fastify';

export const SESSION_COOKIE = 'clapper_session';

/**
 * The request's credential: `Authorization: Bearer <token>` first, else the
 * session cookie. Any other Authorization value is passed on as is, so the
 * token check refuses it as malformed instead of silently ignoring it.
 */
export function credentialFrom(req: FastifyRequest): string | null {
  const header = req.headers.authorization;
  if (header !== undefined) {
    const bearer = /^Bearer +(\S+) *$/i.exec(header);
    return bearer?.[1] ?? header;
  }
  return req.cookies[SESSION_COOKIE] ?? null;
}

export function setSessionCookie(
  req: FastifyRequest,
  res: FastifyReply,
  token: string,
  expires: Date,
) {
  res.setCookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'strict',
    secure: req.protocol === 'https',
    path: '/',
    expires,
  });
}

export function clearSessionCookie(req: FastifyRequest, res: FastifyReply) {
  res.clearCookie(SESSION_COOKIE, {
    httpOnly: true,
    sameSite: 'strict',
    secure: req.protocol === 'https',
    path: '/',
  });
}
