/**
 * Issue 12 item 8: `/docs` (Swagger UI) leaves with a Content-Security-Policy, still works under
 * it in headless Chromium, and keeps a token typed into Authorize out of localStorage.
 */
import type { INestApplication } from '@nestjs/common';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { DOCS_CONTENT_SECURITY_POLICY } from '../../src/openapi/docs-security-headers';
import { launchHeadlessChromium } from '../support/chromium-executable';
import { createTestApp, testConfig } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-databases';

jest.setTimeout(120_000);

const TOKEN = 'docs-page-admin-token-0123456789abcdef';

describe('the API docs page (/docs in headless Chromium)', () => {
  let database: TestDatabase;
  let app: INestApplication;
  let baseUrl: string;
  let browser: Browser;

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await createTestApp(database.connection, testConfig({ API_TOKEN: TOKEN }));
    await app.listen(0, '127.0.0.1');
    const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
    baseUrl = `http://127.0.0.1:${port}`;
    browser = await launchHeadlessChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await database?.drop();
  });

  /** Everything the page's origin keeps in localStorage, as one string (the tests have no DOM types). */
  const localStorageOf = (page: Page) =>
    page.evaluate<string>('JSON.stringify(Object.assign({}, window.localStorage))');

  /** A page that records every script error and every policy violation the browser reports. */
  async function openDocs(): Promise<{ page: Page; problems: string[] }> {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    // Chromium reports each blocked script, style, image or request as "Refused to …".
    page.on('console', (message) => {
      if (/Refused to|Content Security Policy/.test(message.text()))
        problems.push(`policy violation: ${message.text()}`);
    });
    await page.goto(`${baseUrl}/docs`);
    await page.waitForSelector('.swagger-ui .info .title', { timeout: 30_000 });
    return { page, problems };
  }

  it('sends its Content-Security-Policy with the page and every asset under /docs', async () => {
    for (const path of [
      '/docs',
      '/docs/',
      '/docs/swagger-ui-init.js',
      '/docs/swagger-ui-bundle.js',
      '/docs/swagger-ui.css',
    ]) {
      const response = await fetch(`${baseUrl}${path}`);
      expect({ path, status: response.status }).toEqual({ path, status: 200 });
      expect(response.headers.get('content-security-policy')).toBe(DOCS_CONTENT_SECURITY_POLICY);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    }
    expect(DOCS_CONTENT_SECURITY_POLICY).toMatch(/script-src 'self'(;|$)/);
    expect(DOCS_CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
  });

  it('renders under the policy, authorizes without writing the token to localStorage, and tries a call with it', async () => {
    const { page, problems } = await openDocs();
    const sent: (string | undefined)[] = [];
    page.on('request', (call) => {
      if (call.url().includes('/crisp-db/conversations')) sent.push(call.headers().authorization);
    });
    try {
      expect(await page.textContent('.swagger-ui .info .title')).toContain(
        'Crisp-Basedash Tool API',
      );

      await page.click('.auth-wrapper button.authorize');
      const scheme = page.locator('.auth-container', { hasText: 'admin-token' });
      await scheme.locator('input').fill(TOKEN);
      await scheme.locator('button.authorize').click();
      await scheme.locator('button', { hasText: 'Logout' }).waitFor();
      await page.click('.modal-ux button.close-modal');

      const stored = await localStorageOf(page);
      expect(stored).not.toContain(TOKEN);
      expect(stored).not.toContain(TOKEN.slice(0, 16));

      const operation = page.locator('.opblock-get', {
        has: page.locator('[data-path="/crisp-db/conversations"]'),
      });
      await operation.locator('.opblock-summary').click();
      await operation.locator('button.try-out__btn').click();
      await operation.locator('button.execute').click();
      const answer = operation.locator('.live-responses-table tr.response .response-col_status');
      await answer.waitFor();
      expect(await answer.textContent()).toContain('200');
      expect(sent).toContain(`Bearer ${TOKEN}`);

      // Not kept across a reload either: the next visitor of this browser must authorize again.
      await page.reload();
      await page.waitForSelector('.swagger-ui .info .title');
      expect(await localStorageOf(page)).not.toContain(TOKEN);
      expect(await page.locator('.auth-wrapper button.authorize.locked').count()).toBe(0);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
