// Makes docs/screenshot.png: the built app after a short training run (loss chart and a sample),
// in the Chromium the e2e tests use. Not a test; run it by hand after a build:
//   npx vite build && npx tsx tests/e2e/docs-screenshot.ts
// On a software adapter (SwiftShader) the run takes a few minutes.
import { chromium } from 'playwright-core';
import { preview } from 'vite';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium';

const OUT = 'docs/screenshot.png';
const LINK = '#nLayer=2&dModel=64&nHead=4&contextLength=32&batch=4&steps=300&warmup=20&lr=0.003&evalEvery=25&maxTokens=160&temperature=0.7&prompt=Once%20there%20was';

const server = await preview({ configFile: false, logLevel: 'warn', preview: { host: '127.0.0.1', port: 0 } });
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
try {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: 'light' })).newPage();
  await page.goto(server.resolvedUrls!.local[0] + LINK);
  await page.locator('[data-testid=start]:not([disabled])').waitFor({ timeout: 30_000 });
  // The run's end, by the app's run counter (a button's state can read idle before the run starts).
  await page.locator('[data-testid=start]').click();
  await page.locator('tg-app[data-runs-ended="1"]').waitFor({ state: 'attached', timeout: 30 * 60_000 });
  await page.locator('[data-testid=generate]').click();
  await page.waitForFunction(() => { const t = document.querySelector('tg-app')!.trainer.run; return !t.sampling && t.sampleText.length > 0; }, undefined, { timeout: 5 * 60_000 });
  for (const b of await page.getByRole('button', { name: 'Dismiss message' }).all()) await b.click();
  await page.locator('tg-messages li').first().waitFor({ state: 'detached' });
  const bottom = await page.locator('tg-sample-panel').evaluate((el) => el.getBoundingClientRect().bottom + window.scrollY);
  await page.screenshot({ path: OUT, fullPage: true, clip: { x: 0, y: 0, width: 1280, height: Math.ceil(bottom + 16) } });
  console.log(`wrote ${OUT}`);
} finally {
  await browser.close();
  await new Promise<void>((resolve) => server.httpServer.close(() => resolve()));
}
