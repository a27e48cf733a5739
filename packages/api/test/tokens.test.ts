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

  it("remembers a verified token, but still refuses a user's once its clock passes exp", async () => {
    let now = Date.UTC(2030, 0, 1, 12);
    const timed = createTokenService({ secret, clock: () => now });
    const expiresAt = new Date(now + 2000);
    const token = await timed.issue({
      personId: randomUUID(),
      tokenId: randomUUID(),
      kind: 'user',
      expiresAt,
    });
    // Issued by the service's clock, not the wall clock's.
    expect(decodeJwt(token).iat).toBe(now / 1000);
    expect((await timed.verify(token)).exp).toBe(expiresAt.getTime() / 1000);
    now += 1999;
    // Remembered: no signature check, but the expiry is still the clock's to decide.
    expect((await timed.verify(token)).exp).toBe(expiresAt.getTime() / 1000);
    now += 1;
    await expect(timed.verify(token)).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
      message: 'Token expired',
      reason: 'token_expired',
    });
  });

  it("checks a token seen for the first time against the service's clock, not the wall clock", async () => {
    const issued = { personId: randomUUID(), tokenId: randomUUID(), kind: 'user' } as const;
    // Long expired by the wall clock, not yet by this service's.
    const past = Date.UTC(2001, 0, 1);
    const early = createTokenService({ secret, clock: () => past });
    const old = await early.issue({ ...issued, expiresAt: new Date(past + 60_000) });
    expect((await early.verify(old)).sub).toBe(issued.personId);
    // Valid for a century by the wall clock, expired by this service's.
    const late = createTokenService({ secret, clock: () => Date.UTC(2200, 0, 1) });
    const fresh = await tokens.issue({ ...issued, expiresAt: new Date('2199-12-31T00:00:00Z') });
    expect((await tokens.verify(fresh)).sub).toBe(issued.personId);
    await expect(late.verify(fresh)).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
      message: 'Token expired',
      reason: 'token_expired',
    });
  });

  it("leaves a bot token's expiry to its row: an exp it carries (older tokens) is not enforced", async () => {
    const token = await tokens.issue({
      personId: randomUUID(),
      tokenId: randomUUID(),
      kind: 'bot',
      expiresAt: new Date(Date.now() - 3_600_000),
    });
    expect((await tokens.verify(token)).typ).toBe('bot');
    // Remembered, and still not enforced.
    expect((await tokens.verify(token)).typ).toBe('bot');
  });

  it('never lets a remembered token vouch for an altered one', async () => {
    const token = await tokens.issue({
      personId: randomUUID(),
      tokenId: randomUUID(),
      kind: 'bot',
    });
    await tokens.verify(token);
    const [header, , signature] = token.split('.');
    const forged = `${header}.${Buffer.from(JSON.stringify({ sub: randomUUID(), jti: randomUUID(), typ: 'bot', iat: 1 })).toString('base64url')}.${signature}`;
    await expect(tokens.verify(forged)).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
      message: 'Invalid token signature',
    });
    const other = createTokenService({ secret: 'b'.repeat(48) });
    await expect(other.verify(token)).rejects.toMatchObject({ message: 'Invalid token signature' });
  });
});
