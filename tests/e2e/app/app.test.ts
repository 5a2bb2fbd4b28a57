// The built app in Chromium: it opens, finds a real WebGPU adapter (SwiftShader here) and enables
// Start within seconds; a tiny model trains, the loss chart draws its curve, and a sample streams
// into the sample panel. Also the data stage and a phone-sized screen.
import type { Page } from 'playwright-core';
import { expect, test } from 'vitest';
import { lossSeries, runText, screenshot, tinyRunLink, useBrowser, runToEnd, waitForApp, WAIT } from './harness';

const b = useBrowser();

/** Pixels of the loss canvas drawn in the training-curve colour: more than a few means a line. */
function trainCurvePixels(page: Page): Promise<number> {
  return page.evaluate(() => {
    const chart = document.querySelector('tg-app')!.shadowRoot!.querySelector('tg-loss-chart')!;
    const canvas = chart.shadowRoot!.querySelector<HTMLCanvasElement>('.loss canvas')!;
    const hex = getComputedStyle(chart).getPropertyValue('--tg-chart-train').trim();
    const want = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
    const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
    let n = 0;
    for (let i = 0; i < data.length; i += 4) if (want.every((c, k) => Math.abs(data[i + k] - c) < 24) && data[i + 3] > 200) n++;
    return n;
  });
}

test('a first visit trains a tiny model: the loss chart draws its curve and a sample streams in', async () => {
  const { page, pageErrors } = await b.open();
  const opened = Date.now();
  await page.goto(b.baseUrl + tinyRunLink(10));
  await waitForApp(page);
  expect(await page.locator('[data-testid=adapter-description]').textContent()).toMatch(/swiftshader/i);
  await expect.poll(() => page.locator('[data-testid=adapter-fallback]').isVisible()).toBe(true);
  await expect.poll(() => page.locator('[data-testid=start]').isEnabled(), { timeout: WAIT }).toBe(true);
  // How soon Start is usable is reported, not asserted: a timed assertion fails on a busy machine.
  const startReadyMs = Date.now() - opened;
  console.log(`[e2e] Start enabled ${startReadyMs} ms after navigation`);
  expect(await page.locator('[data-testid=param-count]').textContent()).toBe('21.5K');
  expect(await page.locator('[data-testid=generate]').isDisabled()).toBe(true);
  await screenshot(page, 'pretrain-desktop');

  const started = Date.now();
  expect(await runToEnd(page)).toBe('done');
  console.log(`[e2e] 10 steps (kernel compilation included) in ${Date.now() - started} ms`);
  expect(await runText(page)).toMatch(/^Step 10 of 10 100% finished/);
  const { steps, train, val } = await lossSeries(page);
  expect(steps.length).toBeGreaterThanOrEqual(2);
  expect(steps.at(-1)).toBe(10);
  expect(steps.every((s, i) => i === 0 || s > steps[i - 1])).toBe(true);
  // Byte-level loss starts near ln 256 ≈ 5.5 and must be a real number at every point.
  expect(train.filter((l) => !(Number.isFinite(l) && l > 0 && l < 8))).toEqual([]);
  // Validation ran every 5 steps and sits on the point of the step it measured.
  expect(steps.filter((s, i) => val[i] !== null)).toEqual([5, 10]);
  await expect.poll(() => trainCurvePixels(page)).toBeGreaterThan(50);
  expect(await page.locator('tg-loss-chart .plots').getAttribute('aria-label')).toMatch(/step 10, training loss \d/);

  // Generate: the text arrives in pieces while the model writes, not all at the end.
  await page.evaluate(() => {
    const t = document.querySelector('tg-app')!.trainer;
    const seen: number[] = [];
    (window as unknown as { seen: number[] }).seen = seen;
    t.subscribe(() => seen.push(t.run.sampleText.length));
  });
  await page.locator('[data-testid=generate]').click();
  await page.waitForFunction(() => { const t = document.querySelector('tg-app')!.trainer.run; return !t.sampling && t.sampleText.length > 0; }, undefined, { timeout: 60_000 });
  const output = (await page.locator('[data-testid=sample-output]').textContent()) ?? '';
  expect(output.length).toBeGreaterThan(20);
  const seen = await page.evaluate(() => (window as unknown as { seen: number[] }).seen);
  expect(new Set(seen.filter((n) => n > 0 && n < output.length)).size).toBeGreaterThanOrEqual(2);
  await screenshot(page, 'trained');
  expect(pageErrors).toEqual([]);
});

test('the data stage previews the built-in corpus and counts pasted text', async () => {
  const { page, pageErrors } = await b.open();
  await page.goto(b.baseUrl);
  await page.locator('tg-stage-rail [data-stage=data]').click();
  await expect.poll(() => page.locator('[data-testid=data-preview]').textContent(), { timeout: WAIT }).toMatch(/\w+/);
  const corpusChars = Number((await page.locator('[data-testid=char-count]').textContent())!.replace(/,/g, ''));
  expect(corpusChars).toBeGreaterThan(100_000);
  expect(await page.locator('select[name=tokenizer] option').evaluateAll((o) => o.map((x) => (x as HTMLOptionElement).value))).toEqual(['char', 'byte', 'bpe']);
  await screenshot(page, 'data-desktop');

  await page.locator('input[name=source][value=text]').check();
  await page.locator('textarea[name=paste]').fill('héllo wörld');
  await expect.poll(() => page.locator('[data-testid=char-count]').textContent()).toBe('11');
  // Stages that need an earlier one are disabled and say why and what they will do.
  const sft = page.locator('tg-stage-rail [data-stage=sft]');
  expect(await sft.isDisabled()).toBe(true);
  expect(await sft.textContent()).toMatch(/Needs the stage before it first/);
  const rlhf = page.locator('tg-stage-rail [data-stage=rlhf]');
  expect(await rlhf.isDisabled()).toBe(true);
  expect(await rlhf.textContent()).toMatch(/Needs the stage before it first/);
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
