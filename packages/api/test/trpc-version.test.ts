import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { CHECKED_TRPC_VERSION } from '../src/wire/trpc-internals';

describe("the fast paths' copy of tRPC", () => {
  it('is checked against the installed @trpc/server (an upgrade re-runs the differential tests first)', () => {
    const installed = createRequire(import.meta.url)('@trpc/server/package.json') as {
      version: string;
    };
    expect(
      installed.version,
      'wire/ re-implements parts of this tRPC: run lean-trpc.test.ts and lean-sse.test.ts on the new version, then set CHECKED_TRPC_VERSION in packages/api/src/wire/trpc-internals.ts',
    ).toBe(CHECKED_TRPC_VERSION);
  });
});
