// The built app in Chromium: it opens, finds a real WebGPU adapter (SwiftShader here), enables
// Start within seconds, says the engine is not connected, and shows its main views.
import { expect, test } from 'vitest';
import { messages, screenshot, useBrowser, waitForApp } from './harness';

const b = useBrowser();

test('opens, shows the real adapter and enables Start within seconds', async () => {
  const { page, pageErrors } = await b.open();
  const opened = Date.now();
  await page.goto(b.baseUrl);
  await waitForApp(page);
  expect(await page.locator('[data-testid=adapter-description]').textContent()).toMatch(/swiftshader/i);
  await expect.poll(() => page.locator('[data-testid=adapter-fallback]').isVisible()).toBe(true);
  await expect.poll(() => page.locator('[data-testid=start]').isEnabled(), { timeout: 10_000 }).toBe(true);
  const startReadyMs = Date.now() - opened;
  expect(startReadyMs).toBeLessThan(15_000);
  console.log(`[e2e] Start enabled ${startReadyMs} ms after navigation`);
  expect(await page.locator('[data-testid=engine-status]').textContent()).toContain('engine not connected');
  expect(await page.locator('[data-testid=param-count]').textContent()).not.toBe('—');
  await screenshot(page, 'pretrain-desktop');

  await page.locator('[data-testid=start]').click();
  await expect.poll(() => messages(page, 'error')).toMatch(/training engine is not connected/);
  expect(pageErrors).toEqual([]);
});

test('the data stage previews the built-in corpus and counts pasted text', async () => {
  const { page, pageErrors } = await b.open();
  await page.goto(b.baseUrl);
  await page.locator('tg-stage-rail [data-stage=data]').click();
  await expect.poll(() => page.locator('[data-testid=data-preview]').textContent(), { timeout: 20_000 }).toMatch(/\w+/);
  const corpusChars = Number((await page.locator('[data-testid=char-count]').textContent())!.replace(/,/g, ''));
  expect(corpusChars).toBeGreaterThan(100_000);
  await screenshot(page, 'data-desktop');

  await page.locator('input[name=source][value=text]').check();
  await page.locator('textarea[name=paste]').fill('héllo wörld');
  await expect.poll(() => page.locator('[data-testid=char-count]').textContent()).toBe('11');
  // The later stages are not available yet and say what they will do.
  const sft = page.locator('tg-stage-rail [data-stage=sft]');
  expect(await sft.isDisabled()).toBe(true);
  expect(await sft.textContent()).toMatch(/Coming later/);
  expect(pageErrors).toEqual([]);
});

test('fits a phone screen', async () => {
  const { page, pageErrors } = await b.open({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  await page.goto(b.baseUrl);
  await waitForApp(page);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await screenshot(page, 'pretrain-phone');
  expect(pageErrors).toEqual([]);
});
