import type { PersonKind } from '@clapper/db';
import { errors, jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import { unauthorized } from '../errors';

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
  /** None: the token never expires by itself (bots without an expiry). */
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

export function createTokenService({
  secret,
  algorithm = 'HS256',
}: {
  secret: string;
  algorithm?: TokenAlgorithm;
}): TokenService {
  const key = new TextEncoder().encode(secret);
  const algorithms = [algorithm];

  return {
    async issue({ personId, tokenId, kind, expiresAt }) {
      const jwt = new SignJWT({ typ: kind })
        .setProtectedHeader({ alg: algorithm, typ: 'JWT' })
        .setSubject(personId)
        .setJti(tokenId)
        .setIssuedAt();
      if (expiresAt) jwt.setExpirationTime(Math.floor(expiresAt.getTime() / 1000));
      return jwt.sign(key);
    },

    async verify(token) {
      if (token.length > MAX_TOKEN_LENGTH || !JWT_SHAPE.test(token)) {
        throw unauthorized('Malformed token: expected a Clapper API token');
      }
      let payload: unknown;
      try {
        ({ payload } = await jwtVerify(token, key, { algorithms }));
      } catch (error) {
        throw unauthorized(reasonFor(error));
      }
      const claims = ZClaims.safeParse(payload);
      if (!claims.success)
        throw unauthorized('Malformed token: its claims are not a Clapper token');
      return claims.data;
    },
  };
}

function reasonFor(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'Token expired';
  if (error instanceof errors.JOSEAlgNotAllowed) return 'Token algorithm not allowed';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'Invalid token signature';
  return 'Malformed token: expected a Clapper API token';
}
