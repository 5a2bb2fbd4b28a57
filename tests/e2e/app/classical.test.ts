// The built app with the classical-Chinese corpus: a share link naming `corpus=lunyu` opens the
// Data stage with the Analects chosen (the registry's entries listed, the text previewed, the char
// tokenizer its default), a tiny model pretrains on it to the end, a sample from the prompt the
// corpus suggests comes back in Han characters, and SFT previews and trains on the classical task. Reading the text shows its progress while the
// chunk is on its way, and a chunk that cannot be fetched shows why, leaving the rest usable.
import type { Route } from 'playwright-core';
import { expect, test } from 'vitest';
import { lossSeries, messages, runText, runToEnd, screenshot, tinyRunLink, useBrowser, waitForApp, waitForReady, WAIT } from './harness';
import { CORPORA, corpusInfo } from '../../../src/data/corpora';

const b = useBrowser();
const HAN = /\p{Script=Han}/gu;

test('a link with corpus=lunyu previews the Analects, pretrains on it, samples Han characters and fine-tunes on the classical task', async () => {
  const { page, pageErrors } = await b.open();
  await page.goto(`${b.baseUrl}${tinyRunLink(10)}&corpus=lunyu&stage=data`);
  await waitForApp(page);
  expect(await messages(page, 'error')).toBe('');

  // Every registry entry is offered, and the link's is chosen.
  const offered = await page.locator('input[name=corpus]').evaluateAll((o) => o.map((x) => (x as HTMLInputElement).value));
  expect(offered).toEqual(CORPORA.map((c) => c.name));
  await expect.poll(() => page.locator('input[name=corpus][value=lunyu]').isChecked()).toBe(true);
  expect(await page.locator('[data-testid=corpus-choice]').textContent()).toContain(corpusInfo('lunyu').title);

  // The text loads on demand and is previewed; the tokenizer is the corpus's default.
  await page.locator('[data-testid=data-preview]').waitFor({ timeout: WAIT });
  const preview = (await page.locator('[data-testid=data-preview]').textContent()) ?? '';
  expect(preview).toContain('子曰');
  expect((preview.match(HAN) ?? []).length).toBeGreaterThan(200);
  const chars = Number((await page.locator('[data-testid=char-count]').textContent())!.replace(/,/g, ''));
  expect(chars).toBeGreaterThan(10_000);
  expect(await page.locator('select[name=tokenizer]').inputValue()).toBe('char');
  await screenshot(page, 'classical-data');

  await page.locator('tg-stage-rail [data-stage=pretrain]').click();
  await waitForReady(page);
  expect(await page.locator('textarea[name=prompt]').inputValue()).toBe(corpusInfo('lunyu').samplePrompt);
  expect(await runToEnd(page)).toBe('done');
  expect(await runText(page)).toMatch(/^Step 10 of 10 100% finished/);
  // A char vocabulary of the Analects (well over a thousand symbols) starts far above byte level's ln 256.
  const { train } = await lossSeries(page);
  expect(train.length).toBeGreaterThan(0);
  expect(train[0]).toBeGreaterThan(Math.log(256));

  await page.locator('[data-testid=generate]').click();
  await page.waitForFunction(() => { const t = document.querySelector('tg-app')!.trainer.run; return !t.sampling && t.sampleText.length > 0; }, undefined, { timeout: WAIT });
  const output = (await page.locator('[data-testid=sample-output]').textContent()) ?? '';
  expect((output.match(HAN) ?? []).length).toBeGreaterThan(5);
  await screenshot(page, 'classical-sample');

  // SFT offers the Analects' own task (continue a passage), previewed and trained on.
  await page.locator('tg-stage-rail [data-stage=sft]').click();
  const panel = page.locator('tg-post-panel[stage=sft]');
  expect(await panel.locator('tg-chat-dataset fieldset').textContent()).toContain(`tasks on ${corpusInfo('lunyu').title}`);
  const tokens = panel.locator('[data-testid=sft-preview]');
  await expect.poll(() => tokens.locator('.tok[data-loss=true]').count(), { timeout: WAIT }).toBeGreaterThan(0);
  expect(((await tokens.textContent()) ?? '').match(HAN)?.length ?? 0).toBeGreaterThan(5);
  for (const [k, v] of Object.entries({ steps: '2', batch: '2', evalEvery: '2', evalCount: '2' })) await panel.locator(`input[name=sft-${k}]`).fill(v);
  expect(await runToEnd(page, page.locator('[data-testid=sft-start]'))).toBe('done');
  expect(((await page.locator('[data-testid=sft-progress] .top').textContent()) ?? '').replace(/\s+/g, ' ').trim()).toMatch(/^Step 2 of 2 100% finished/);
  expect(await messages(page, 'error')).toBe('');
  expect(pageErrors).toEqual([]);
});

/** The lazily loaded chunk that holds the Four Books (the Analects among them). */
const CLASSICS_CHUNK = '**/assets/classics-*.js';

test('the corpus shows that it is loading until its chunk arrives', async () => {
  const { context, page, pageErrors } = await b.open();
  // Hold the chunk's request until the test has seen the loading state: a gate, not a delay.
  let held: (route: Route) => void = () => undefined;
  const arrived = new Promise<Route>((resolve) => { held = resolve; });
  await context.route(CLASSICS_CHUNK, (route) => held(route));
  await page.goto(`${b.baseUrl}#corpus=lunyu&stage=data`);
  const route = await arrived;
  await page.locator('[data-testid=corpus-loading]').waitFor({ timeout: WAIT });
  expect(await page.locator('[data-testid=corpus-loading]').textContent()).toContain(corpusInfo('lunyu').title);
  expect(await page.locator('[data-testid=data-preview]').count()).toBe(0);
  await route.continue();
  await page.locator('[data-testid=data-preview]').waitFor({ timeout: WAIT });
  expect(await page.locator('[data-testid=corpus-loading]').count()).toBe(0);
  expect(await page.locator('[data-testid=data-preview]').textContent()).toContain('子曰');
  expect(pageErrors).toEqual([]);
});

test('a corpus that cannot be read says why and can be tried again; the other corpora still work', async () => {
  const { context, page, pageErrors } = await b.open();
  await context.route(CLASSICS_CHUNK, (route) => route.abort('failed'));
  await page.goto(`${b.baseUrl}#corpus=lunyu&stage=data`);
  const error = page.locator('[data-testid=corpus-error]');
  await error.waitFor({ timeout: WAIT });
  expect(await error.textContent()).toContain(`Could not read “${corpusInfo('lunyu').title}”`);
  expect(await error.locator('button').textContent()).toMatch(/Try again/);
  expect(await page.locator('[data-testid=data-preview]').count()).toBe(0);
  await screenshot(page, 'classical-load-error');

  // Once the chunk can be fetched, Try again reads it.
  await context.unroute(CLASSICS_CHUNK);
  await error.locator('button').click();
  await page.locator('[data-testid=data-preview]').waitFor({ timeout: WAIT });
  expect(await page.locator('[data-testid=data-preview]').textContent()).toContain('子曰');
  expect(await error.count()).toBe(0);

  await page.locator('input[name=corpus][value=world]').check();
  await page.locator('[data-testid=data-preview]').waitFor({ timeout: WAIT });
  expect(await page.locator('[data-testid=data-preview]').textContent()).toMatch(/[A-Za-z]{3}/);
  expect(await page.locator('[data-testid=corpus-error]').count()).toBe(0);
  expect(await page.locator('select[name=tokenizer]').inputValue()).toBe(corpusInfo('world').tokenizers[0]);
  expect(pageErrors).toEqual([]);
});
