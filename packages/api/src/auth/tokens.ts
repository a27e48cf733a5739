import type { PersonKind } from '@clapper/db';
import { errors, jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import { TtlCache } from '../cache/ttl-cache';
import { type RefusalReason, unauthorized } from '../errors';

/** HMAC algorithms we sign with; anything else in a token header, `none` included, is refused. */
export const TOKEN_ALGORITHMS = ['HS256', 'HS384', 'HS512'] as const;
export type TokenAlgorithm = (typeof TOKEN_ALGORITHMS)[number];

const ZClaims = z.object({
  sub: z.uuid(),
  jti: z.uuid(),
  typ: z.enum(['user', 'bot']),
  iat: z.number().int(),
  exp: z.number().int().optional(),
});
export type TokenClaims = z.infer<typeof ZClaims>;

export interface IssueTokenInput {
  personId: string;
  tokenId: string;
  kind: PersonKind;
  /** None: the token never expires by itself. Bots get none: their row's expiry decides. */
  expiresAt?: Date | null;
}

export interface TokenService {
  issue(input: IssueTokenInput): Promise<string>;
  /** Verifies signature, algorithm and expiry; throws UNAUTHORIZED saying which check failed. */
  verify(token: string): Promise<TokenClaims>;
}

// Far above any token we issue; refuses oversized input before any crypto runs.
const MAX_TOKEN_LENGTH = 2048;
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
/** Tokens whose signature already verified, most recent last; only verified tokens get in. */
const MAX_VERIFIED = 10_000;

export function createTokenService({
  secret,
  algorithm = 'HS256',
  clock = Date.now,
}: {
  secret: string;
  algorithm?: TokenAlgorithm;
  /** The server's time in milliseconds: what `iat` says and what `exp` is checked against. */
  clock?: () => number;
}): TokenService {
  // Imported once: handing jose the raw bytes makes it import a WebCrypto key on every call,
  // which was most of a verification's cost (see BENCHMARKS.md, token check).
  const key = crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(secret),
    { name: 'HMAC', hash: `SHA-${algorithm.slice(2)}` },
    false,
    ['sign', 'verify'],
  );
  const algorithms = [algorithm];
  // The same string under the same key verifies the same way every time, so a repeat skips
  // the signature (WebCrypto costs ~80 µs a call); a user token's expiry is still checked on
  // every use, and who the token belongs to (active, revoked, expired bot) by the caller.
  const verified = new TtlCache<TokenClaims>({ max: MAX_VERIFIED });

  return {
    async issue({ personId, tokenId, kind, expiresAt }) {
      const jwt = new SignJWT({ typ: kind })
        .setProtectedHeader({ alg: algorithm, typ: 'JWT' })
        .setSubject(personId)
        .setJti(tokenId)
        .setIssuedAt(Math.floor(clock() / 1000));
      if (expiresAt) jwt.setExpirationTime(Math.floor(expiresAt.getTime() / 1000));
      return jwt.sign(await key);
    },

    async verify(token) {
      if (token.length > MAX_TOKEN_LENGTH || !JWT_SHAPE.test(token)) {
        throw unauthorized('Malformed token: expected a Clapper API token', 'malformed_token');
      }
      const known = verified.get(token);
      if (known) {
        if (known.typ !== 'bot' && known.exp !== undefined && known.exp * 1000 <= clock()) {
          verified.delete(token);
          throw unauthorized('Token expired', 'token_expired');
        }
        return known;
      }
      let payload: unknown;
      try {
        // jose's own `exp` check reads the same clock (it would make this Date itself).
        ({ payload } = await jwtVerify(token, await key, {
          algorithms,
          currentDate: new Date(clock()),
        }));
      } catch (error) {
        // A bot's expiry is its row's, checked on every request: moved later, it extends the
        // token already handed out. Tokens issued before that carry an `exp` of their own,
        // which jose checks only once the signature has verified.
        if (error instanceof errors.JWTExpired && error.payload.typ === 'bot') {
          payload = error.payload;
        } else {
          throw unauthorized(...refusalFor(error));
        }
      }
      const claims = ZClaims.safeParse(payload);
      if (!claims.success) {
        throw unauthorized(
          'Malformed token: its claims are not a Clapper token',
          'malformed_token',
        );
      }
      verified.set(token, Object.freeze(claims.data));
      return claims.data;
    },
  };
}

function refusalFor(error: unknown): [message: string, reason: RefusalReason] {
  if (error instanceof errors.JWTExpired) return ['Token expired', 'token_expired'];
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return ['Token algorithm not allowed', 'algorithm_refused'];
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return ['Invalid token signature', 'bad_signature'];
  }
  return ['Malformed token: expected a Clapper API token', 'malformed_token'];
}
