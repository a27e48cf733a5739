import { describe, expect, it } from 'vitest';
import { cheapPasswordHashesForTests, hashPassword, verifyPassword } from '../src';

describe('passwords', () => {
  it('hashes with a fresh salt and verifies only the right password', async () => {
    const a = await hashPassword('correct horse battery');
    const b = await hashPassword('correct horse battery');
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$[\w-]+\$[\w-]+$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse battery', a)).toBe(true);
    expect(await verifyPassword('correct horse batterY', a)).toBe(false);
    expect(await verifyPassword('', a)).toBe(false);
  });

  // Last: it lowers the cost for the rest of this process, as the server's test helpers do.
  it('makes cheaper hashes in a test process, and checks each hash by the cost it carries', async () => {
    const real = await hashPassword('correct horse battery');
    cheapPasswordHashesForTests();
    const cheap = await hashPassword('correct horse battery');
    expect(cheap).toMatch(/^scrypt\$1024\$8\$1\$[\w-]+\$[\w-]+$/);
    expect(await verifyPassword('correct horse battery', cheap)).toBe(true);
    expect(await verifyPassword('correct horse batterY', cheap)).toBe(false);
    expect(await verifyPassword('correct horse battery', real)).toBe(true);
  });

  it('treats a stored value it cannot read as a mismatch, not an error', async () => {
    expect(await verifyPassword('x', 'plain-text')).toBe(false);
    expect(await verifyPassword('x', 'bcrypt$whatever')).toBe(false);
  });
});
