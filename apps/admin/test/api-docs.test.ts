/**
 * `/api/docs` in real Chromium: Swagger UI, served by the server itself, renders the OpenAPI
 * document, and "Try it out" with a bot token calls the REST API; nothing is fetched from
 * another host.
 */
import { REST_BASE } from '@clapper/api';
import { createBot, startTestServer, type TestServer } from '@clapper/server/testing';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectChromium } from './support';

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  server = await startTestServer();
  browser = await connectChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('/api/docs', () => {
  it('renders every route of the document and calls the API with a bot token', async () => {
    const { token, bot } = await createBot(server, { role: 'manager' });
    const document = (await (await fetch(`${server.url}${REST_BASE}/openapi.json`)).json()) as {
      paths: Record<string, object>;
    };
    const page = await browser.newPage();
    const elsewhere: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(server.url)) elsewhere.push(request.url());
    });
    await page.goto(`${server.url}/api/docs`);
    await page.getByText('Clapper REST API').first().waitFor();
    const shown = await page.locator('.opblock-summary-path').allTextContents();
    const paths = new Set(shown.map((p) => p.replace(/\u200b/g, '')));
    expect([...paths].sort()).toEqual(Object.keys(document.paths).sort());

    // Authorize with the bot's token, then try GET /auth/me.
    await page
      .getByRole('button', { name: /authorize/i })
      .first()
      .click();
    await page
      .locator('.modal-ux input[type=text], .modal-ux input[type=password]')
      .first()
      .fill(token);
    await page.locator('.modal-ux button.modal-btn.authorize').click();
    await page.locator('.modal-ux button.btn-done').click();
    const me = page.locator('.opblock', { has: page.locator('[data-path="/auth/me"]') });
    await me.locator('.opblock-summary').click();
    await me.getByRole('button', { name: 'Try it out' }).click();
    await me.getByRole('button', { name: 'Execute' }).click();
    const body = me
      .locator('.responses-wrapper .live-responses-table .response-col_description pre')
      .first();
    await body.waitFor();
    expect(await body.textContent()).toContain(bot.id);
    expect(elsewhere).toEqual([]);
    await page.close();
  }, 60_000);
});
