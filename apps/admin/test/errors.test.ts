import { adminClient, startTestServer, type TestServer } from '@clapper/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode, splitServerError } from '../src/errors';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

/** The error a real call to the real server throws. */
async function failure(call: Promise<unknown>) {
  try {
    await call;
  } catch (error) {
    return error;
  }
  throw new Error('the call succeeded');
}

describe('server errors split between a form’s fields', () => {
  it('puts each zod issue on its top-level field', async () => {
    const admin = await adminClient(server);
    const error = await failure(
      admin.bots.create.mutate({ name: ' ', departmentIds: ['not-an-id'] }),
    );
    expect(errorCode(error)).toBe('BAD_REQUEST');
    expect(splitServerError(error, ['name', 'departmentIds', 'role'])).toEqual({
      fieldErrors: { name: 'Is required', departmentIds: 'Must be an id' },
      message: null,
    });
  });

  it('puts a domain error on the field it names', async () => {
    const admin = await adminClient(server);
    await admin.bots.create.mutate({ name: 'twin' });
    const error = await failure(admin.bots.create.mutate({ name: 'twin' }));
    expect(splitServerError(error, ['name'])).toEqual({
      fieldErrors: { name: 'A bot named "twin" already exists' },
      message: null,
    });
  });

  it('keeps what names no field of the form for above it', async () => {
    const admin = await adminClient(server);
    const error = await failure(admin.bots.create.mutate({ name: 'twin' }));
    expect(splitServerError(error, ['role'])).toEqual({
      fieldErrors: {},
      message: 'A bot named "twin" already exists',
    });
    const unknown = await failure(
      admin.bots.delete.mutate({ id: '0190a0a0-0000-7000-8000-000000000000' }),
    );
    expect(splitServerError(unknown, ['name']).message).toMatch(/not found/i);
  });

  it('drops the field name a domain message starts with, beside that field', async () => {
    const admin = await adminClient(server);
    const error = await failure(
      admin.auth.changePassword.mutate({ current: 'wrong-password', next: 'another-password' }),
    );
    expect(splitServerError(error, ['current', 'next'])).toEqual({
      fieldErrors: { current: 'Is not your current password' },
      message: null,
    });
    expect(splitServerError(error, ['next']).message).toBe('current: is not your current password');
  });
});
