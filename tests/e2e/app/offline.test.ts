// Installable and offline: after one visit the service worker has precached the whole app, so
// with the network gone a reload still starts TabGPT (page, worker, GPU check) from the cache,
// and it trains: the engine, its shaders and the built-in corpus all come with the app.
// A new version waits for the user: it is offered, and applied only when they press Reload.
import { appendFile, cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { preview } from 'vite';
import { expect, test } from 'vitest';
import { messages, runText, screenshot, tinyRunLink, useBrowser, runToEnd, waitForApp, waitForReady, WAIT } from './harness';

const b = useBrowser();

test('after the first visit the app loads offline from the service worker, and trains', async () => {
  const { context, page, pageErrors } = await b.open();
  await page.goto(b.baseUrl + tinyRunLink(5));
  await waitForApp(page);
  const scope = await page.evaluate(() => navigator.serviceWorker.ready.then((r) => r.scope));
  expect(scope).toBe(b.baseUrl);
  await expect.poll(() => messages(page, 'notice')).toMatch(/works offline/);

  const manifest = await page.evaluate(async () => {
    const href = document.querySelector<HTMLLinkElement>('link[rel=manifest]')!.href;
    return (await fetch(href)).json() as Promise<{ name: string; display: string; icons: { src: string; sizes: string }[] }>;
  });
  expect(manifest).toMatchObject({ name: 'TabGPT', display: 'standalone' });
  expect(manifest.icons.map((i) => i.sizes)).toEqual(expect.arrayContaining(['192x192', '512x512']));

  await context.setOffline(true);
  await page.reload();
  await waitForApp(page);
  expect(await page.locator('[data-testid=adapter-description]').textContent()).toMatch(/swiftshader/i);
  expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
  // The network really is gone: a URL outside the worker's scope cannot be fetched.
  expect(await page.evaluate(() => fetch(`${location.origin}/outside-scope`).then(() => 'online', () => 'offline'))).toBe('offline');
  await screenshot(page, 'offline-reload');

  await waitForReady(page);
  expect(await runToEnd(page)).toBe('done');
  expect(await runText(page)).toBe('Step 5 of 5 100% finished');
  expect(await messages(page, 'error')).toBe('');
  expect(pageErrors).toEqual([]);
});

test('a new version is offered with a prompt and applied only when the user asks', async () => {
  // A private copy of the build, so this test can publish new versions without touching dist/.
  const root = await mkdtemp(join(tmpdir(), 'tabgpt-update-'));
  await cp('dist', join(root, 'dist'), { recursive: true });
  const server = await preview({ configFile: false, root, base: '/app/', logLevel: 'warn', preview: { host: '127.0.0.1', port: 0 } });
  const marked = () => page.evaluate(() => (window as unknown as { marked?: boolean }).marked === true);
  const { page, pageErrors } = await b.open();
  try {
    await page.goto(server.resolvedUrls!.local[0]);
    await waitForApp(page);
    await page.evaluate(() => navigator.serviceWorker.ready);
    // First visit (page not controlled yet), then a second publish while controlled (the new
    // version waits). Either way: a prompt, no reload by itself, a reload on the user's click.
    for (const [version, controlled] of [[2, false], [3, true]] as const) {
      expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(controlled);
      await page.evaluate(() => { (window as unknown as { marked: boolean }).marked = true; });
      await appendFile(join(root, 'dist', 'sw.js'), `\n// version ${version}\n`);
      await page.evaluate(async () => { await (await navigator.serviceWorker.ready).update(); });
      await page.locator('[data-testid=update-banner]').waitFor({ timeout: WAIT });
      // Wait until the new version has finished its own transitions (installed and waiting, or
      // activated on a first visit): after that nothing but the user's click can reload the page.
      await page.waitForFunction(async () => {
        const r = await navigator.serviceWorker.getRegistration();
        return !!r && !r.installing && (r.waiting ? r.waiting.state === 'installed' : r.active?.state === 'activated');
      }, undefined, { timeout: WAIT });
      expect(await marked()).toBe(true);
      if (controlled) await screenshot(page, 'update-offered');
      await page.locator('[data-testid=update-banner] button').click();
      await page.waitForFunction(() => !(window as unknown as { marked?: boolean }).marked, undefined, { timeout: WAIT });
      await waitForApp(page);
      expect(await page.locator('[data-testid=update-banner]').count()).toBe(0);
    }
    expect(pageErrors).toEqual([]);
  } finally {
    await new Promise<void>((resolve) => server.httpServer.close(() => resolve()));
    await rm(root, { recursive: true, force: true });
  }
});
