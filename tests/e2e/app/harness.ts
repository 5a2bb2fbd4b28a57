// Shared setup for the app tests: one Chromium per test file, a fresh context per test (its
// own IndexedDB, service worker and cache), page errors collected so a test can assert none,
// screenshots saved under test-results/e2e/ as artifacts, and helpers for training runs.
import { mkdirSync } from 'node:fs';
import { type Browser, type BrowserContext, type BrowserContextOptions, type Page, chromium } from 'playwright-core';
import { afterAll, beforeAll, inject } from 'vitest';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../chromium';

export const SCREENSHOTS = 'test-results/e2e';

/** Upper bound of any one wait for the app (an action, an element, a state). Waits end on the
 *  event they wait for, so a generous bound costs nothing when things go well and keeps a busy
 *  machine (CI under load, `npm run test:stress`) from failing a correct test. */
export const WAIT = 120_000;

export interface Session { context: BrowserContext; page: Page; pageErrors: string[] }

export function useBrowser(): { browser(): Browser; open(options?: BrowserContextOptions): Promise<Session>; baseUrl: string } {
  let browser: Browser | null = null;
  const contexts: BrowserContext[] = [];
  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
  });
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
  });
  return {
    baseUrl: inject('baseUrl'),
    browser: () => browser!,
    async open(options = {}) {
      const context = await browser!.newContext({ viewport: { width: 1280, height: 900 }, ...options });
      contexts.push(context);
      context.setDefaultTimeout(WAIT);
      const page = await context.newPage();
      const pageErrors: string[] = [];
      page.on('pageerror', (e) => pageErrors.push(e.message));
      return { context, page, pageErrors };
    },
  };
}

/** Waits until the app has asked for a GPU and shows the answer (adapter or error). */
export async function waitForApp(page: Page): Promise<void> {
  await page.locator('[data-testid=adapter-description], [data-testid=gpu-error]').first().waitFor({ timeout: WAIT });
}

/** Text of all visible messages of one kind ('error' or 'notice'). */
export async function messages(page: Page, kind: 'error' | 'notice'): Promise<string> {
  return (await page.locator(`tg-messages li[data-kind=${kind}]`).allTextContents()).join('\n');
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: true });
}

/** A share link for a model small enough to train in seconds on a software adapter (SwiftShader):
 *  about 21K parameters, with validation every 5 steps and a short sample. */
export function tinyRunLink(steps: number): string {
  return `#nLayer=1&dModel=32&nHead=2&contextLength=16&batch=2&steps=${steps}&warmup=2&lr=0.003&evalEvery=5&maxTokens=120`;
}

/** The step the run panel shows (-1 before any run). */
export async function runStep(page: Page): Promise<number> {
  const progress = page.locator('[data-testid=run-progress]');
  return (await progress.count()) ? Number(await progress.getAttribute('data-step')) : -1;
}

/** The run panel's progress line, e.g. "Step 10 of 10 100% finished". */
export async function runText(page: Page): Promise<string> {
  return ((await page.locator('[data-testid=run-progress] .top').textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

/** Waits until the app can start its first run (Start enabled once the GPU check is done).
 *  Only for readiness before a run: to wait for a run, use runToEnd / waitForRunEnd. */
export async function waitForReady(page: Page, timeout = WAIT): Promise<void> {
  await page.locator('[data-testid=start]:not([disabled])').waitFor({ timeout });
}

/** How many runs have ended in this page (<tg-app data-runs-ended>, set with the render that
 *  shows a run's end). Read it before starting a run, then waitForRunEnd(page, thatCount). */
export async function runsEnded(page: Page): Promise<number> {
  return Number((await page.locator('tg-app').getAttribute('data-runs-ended')) ?? 0);
}

/** Waits for the end of the run started after `before` runs had ended; returns how it ended
 *  ('done', 'stopped' or 'failed'). Keyed on the run count, never on a button's state. */
export async function waitForRunEnd(page: Page, before: number, timeout = 3 * WAIT): Promise<string> {
  await page.locator(`tg-app[data-runs-ended="${before + 1}"]`).waitFor({ state: 'attached', timeout });
  return (await page.locator('tg-app').getAttribute('data-run-end')) ?? '';
}

/** Presses `start` (Start by default; any stage's start or continue button) and waits for the
 *  end of the run it started. */
export async function runToEnd(page: Page, start = page.locator('[data-testid=start]'), timeout = 3 * WAIT): Promise<string> {
  const before = await runsEnded(page);
  await start.click();
  return waitForRunEnd(page, before, timeout);
}

/** The loss curves the chart was given: steps, training loss, validation loss (null between). */
export function lossSeries(page: Page): Promise<{ steps: number[]; train: number[]; val: (number | null)[] }> {
  return page.evaluate(() => {
    const [steps, train, val] = document.querySelector('tg-app')!.trainer.run.series.data();
    return { steps: Array.from(steps), train: Array.from(train), val: [...val] };
  });
}
