import { randomUUID } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import { createTokenService, DomainError } from '../src';

const secret = 'a'.repeat(48);
const tokens = createTokenService({ secret });

describe('token service', () => {
  it('issues HS256 tokens carrying sub, jti, typ, iat and exp', async () => {
    const personId = randomUUID();
    const tokenId = randomUUID();
    const expiresAt = new Date('2099-06-30T23:59:59.999Z');
    const token = await tokens.issue({ personId, tokenId, kind: 'bot', expiresAt });
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'HS256', typ: 'JWT' });
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({ sub: personId, jti: tokenId, typ: 'bot' });
    expect(claims.exp).toBe(Math.floor(expiresAt.getTime() / 1000));
    expect(claims.iat).toBeTypeOf('number');
    expect(await tokens.verify(token)).toMatchObject({ sub: personId, jti: tokenId, typ: 'bot' });
  });

  it('leaves exp out when the bot never expires', async () => {
    const token = await tokens.issue({
      personId: randomUUID(),
      tokenId: randomUUID(),
      kind: 'bot',
    });
    expect(decodeJwt(token).exp).toBeUndefined();
  });

  it('refuses a token signed under another allowed-looking algorithm', async () => {
    const hs512 = createTokenService({ secret, algorithm: 'HS512' });
    const token = await hs512.issue({
      personId: randomUUID(),
      tokenId: randomUUID(),
      kind: 'user',
    });
    await expect(tokens.verify(token)).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
      message: 'Token algorithm not allowed',
    });
  });

  it('throws DomainError UNAUTHORIZED for input that is not a JWT at all', async () => {
    for (const input of ['', 'x', 'a.b', 'a.b.c.d', '🎬.🎬.🎬', 'x'.repeat(5000)]) {
      const error = await tokens.verify(input).catch((e: unknown) => e);
      expect(error, input.slice(0, 20)).toBeInstanceOf(DomainError);
      expect(error).toMatchObject({ code: 'UNAUTHORIZED' });
    }
  });
});
