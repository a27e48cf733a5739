import { createHmac } from 'node:crypto';
import { authenticate, createTokenService, defaultApiConfig } from '@clapper/api';
import { newId } from '@clapper/db';
import { createBot, startTestServer } from '@clapper/server/testing';
import { fmt, type Section } from '../lib/report';

const ROUNDS = 5;
const ROUND_MS = 400;

/** Operations a second of `op`, run for `ms`. */
async function rate(op: () => unknown, ms: number) {
  let count = 0;
  const started = performance.now();
  let now = started;
  while (now - started < ms) {
    for (let i = 0; i < 100; i++) await op();
    count += 100;
    now = performance.now();
  }
  return count / ((now - started) / 1000);
}

/** The server's check of a bot token, against one bare HMAC-SHA256 of the same bytes. */
export async function tokensBench(): Promise<Section> {
  const server = await startTestServer();
  try {
    const { token } = await createBot(server);
    const [header, payload] = token.split('.');
    const signingInput = `${header}.${payload}`;
    const key = Buffer.from(server.secret);
    const hmac = () => createHmac('sha256', key).update(signingInput).digest();
    const verify = () => server.services.tokens.verify(token);
    // Tokens never seen before: a new service (an empty memory of verified tokens) per pass.
    const issuer = createTokenService({ secret: server.secret });
    const unseen = await Promise.all(
      Array.from({ length: 2000 }, () =>
        issuer.issue({ personId: newId(), tokenId: newId(), kind: 'bot' }),
      ),
    );
    let firstSight = createTokenService({ secret: server.secret });
    let next = 0;
    const verifyUnseen = () => {
      if (next === unseen.length) {
        next = 0;
        firstSight = createTokenService({ secret: server.secret });
      }
      return firstSight.verify(unseen[next++]!);
    };
    const check = () => authenticate(server.services, token);

    const results = {
      hmac: [] as number[],
      unseen: [] as number[],
      verify: [] as number[],
      check: [] as number[],
    };
    for (let round = 0; round < ROUNDS; round++) {
      results.hmac.push(await rate(hmac, ROUND_MS));
      results.unseen.push(await rate(verifyUnseen, ROUND_MS));
      results.verify.push(await rate(verify, ROUND_MS));
      results.check.push(await rate(check, ROUND_MS));
    }
    const best = (xs: number[]) => Math.max(...xs);
    const base = best(results.hmac);
    return {
      id: 'tokens',
      title: 'Token check',
      method: `In one process, ${ROUNDS} interleaved rounds of ${ROUND_MS} ms each; the best round of each. "First sight" is jose's HS256 verification (WebCrypto) with the algorithm allow list and the claims' schema, on tokens the service has not seen. The service then remembers a verified token string (up to 10,000), so a repeat skips the signature (a user token's \`exp\` is still checked; a bot's expiry is its row's, checked by \`authenticate\`). "Full check" is what every request runs (\`authenticate\`) with a bot's token: the token, then the person from the credential cache, which re-reads it from SQLite every ${fmt(defaultApiConfig.credentialCacheTtlMs)} ms. The baseline is one \`createHmac('sha256')\` over the token's signing input, with node:crypto. Ratio: rate over the baseline's.`,
      rows: [
        { name: 'baseline: HMAC-SHA256 of the signing input', value: `${fmt(base)} /s` },
        {
          name: 'first sight of a token: jose verification (signature + claims)',
          value: `${fmt(best(results.unseen))} /s`,
          baseline: `${fmt(base)} /s`,
          ratio: best(results.unseen) / base,
        },
        {
          name: 'a token seen before (remembered signature)',
          value: `${fmt(best(results.verify))} /s`,
          baseline: `${fmt(base)} /s`,
          ratio: best(results.verify) / base,
        },
        {
          name: 'full check of a bot token (authenticate)',
          value: `${fmt(best(results.check))} /s`,
          baseline: `${fmt(base)} /s`,
          ratio: best(results.check) / base,
        },
      ],
    };
  } finally {
    await server.close();
  }
}
