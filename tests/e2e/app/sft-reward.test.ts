// Post-training in the built app: a tiny model pretrains for a few steps, which enables the SFT
// tab; its dataset preview highlights the trained tokens and a JSONL paste lists its bad lines; a
// few SFT steps draw the loss chart and report held-out exact match; that enables the Reward tab,
// where a preference picked between two samples is exported as a pair, a few reward steps
// report pairwise accuracy, and the score box scores a typed answer.
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { expect, test } from 'vitest';
import { lossSeries, messages, screenshot, useBrowser, waitForApp, waitForIdle } from './harness';

const b = useBrowser();

/** A byte-level model small enough for a software adapter, with room for a short chat turn. */
const LINK = '#nLayer=1&dModel=32&nHead=2&contextLength=32&batch=2&steps=4&warmup=1&lr=0.003&evalEvery=4&maxTokens=20';

async function fill(page: Page, stage: string, values: Record<string, string>): Promise<void> {
  for (const [k, v] of Object.entries(values)) await page.locator(`input[name=${stage}-${k}]`).fill(v);
}

/** Waits for a post-training run to finish (its Start enabled again) and returns its progress text. */
async function waitForPost(page: Page, stage: string): Promise<string> {
  // The run's stage is set when it starts (the reward panel first reads the picks) and its end when it ends.
  await page.waitForFunction((id) => { const t = document.querySelector('tg-app')!.trainer.run; return t.runStage === id && t.runState === 'idle' && t.lastEnd !== ''; }, stage, { timeout: 120_000 });
  expect(await messages(page, 'error')).toBe('');
  await page.locator(`[data-testid=${stage}-start]:not([disabled])`).waitFor();
  return ((await page.locator(`[data-testid=${stage}-progress] .top`).textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

test('SFT, a picked preference, then reward training from a tiny pretrained model', { timeout: 300_000 }, async () => {
  const { page, pageErrors } = await b.open();
  await page.goto(b.baseUrl + LINK);
  await waitForApp(page);
  const sftTab = page.locator('tg-stage-rail [data-stage=sft]');
  expect(await sftTab.isDisabled()).toBe(true);
  await page.locator('[data-testid=start]').click();
  await waitForIdle(page);

  await expect.poll(() => sftTab.isEnabled()).toBe(true);
  expect(await page.locator('tg-stage-rail [data-stage=reward]').isDisabled()).toBe(true);
  await sftTab.click();
  expect(await page.locator('[data-testid=sft-base]').textContent()).toMatch(/pretrained model \(step 4\)/);
  // The preview marks the assistant's reply (and its <|end|>) as trained, and nothing else.
  const preview = page.locator('tg-post-panel[stage=sft] [data-testid=sft-preview]');
  await expect.poll(() => preview.locator('.tok[data-loss=true]').count(), { timeout: 20_000 }).toBeGreaterThan(0);
  expect(await preview.locator('.tok[data-loss=false]').count()).toBeGreaterThan(0);
  expect(await preview.locator('.tok.special').first().textContent()).toBe('<|user|>');

  // A JSONL paste with a bad line lists it by number and holds Start until the user decides.
  const panel = page.locator('tg-post-panel[stage=sft]');
  await panel.locator('input[value=jsonl]').check();
  await panel.locator('textarea[name=jsonl]').fill('{"prompt": "hi", "completion": "hello"}\n{"prompt": 3}\n');
  expect(await panel.locator('[data-testid=jsonl-problems]').textContent()).toMatch(/line 2: prompt must be a string/);
  expect(await page.locator('[data-testid=sft-start]').isDisabled()).toBe(true);
  await panel.locator('[data-testid=skip-bad-lines]').click();
  await expect.poll(() => page.locator('[data-testid=sft-start]').isEnabled()).toBe(true);
  await panel.locator('input[value=builtin]').check();

  await fill(page, 'sft', { steps: '4', batch: '2', lr: '0.003', evalEvery: '4', evalCount: '2' });
  const sftStarted = Date.now();
  await page.locator('[data-testid=sft-start]').click();
  expect(await waitForPost(page, 'sft')).toMatch(/^Step 4 of 4 100% finished/);
  console.log(`[e2e] 4 SFT steps with exact match on 2 questions in ${Date.now() - sftStarted} ms`);
  const sft = await lossSeries(page);
  expect(sft.steps.at(-1)).toBe(4);
  expect(sft.train.every((l) => Number.isFinite(l) && l > 0)).toBe(true);
  expect(await page.locator('[data-testid=exact-match]').textContent()).toMatch(/^\d+\.\d%$/);
  await screenshot(page, 'sft');

  const rewardTab = page.locator('tg-stage-rail [data-stage=reward]');
  await expect.poll(() => rewardTab.isEnabled()).toBe(true);
  await rewardTab.click();
  expect(await page.locator('[data-testid=reward-base]').textContent()).toMatch(/SFT model trained in this tab \(step 4\)/);
  // Two SFT samples side by side; the pick is stored and exported as a reward pair.
  await page.locator('textarea[name=pref-prompt]').fill('Reverse: abc');
  let a = '', bText = '';
  for (let i = 0; i < 3 && a === bText; i++) {
    await page.locator('[data-testid=pref-sample]').click();
    await page.locator('[data-testid=pref-a]').waitFor({ timeout: 30_000 });
    a = (await page.locator('[data-testid=pref-a]').textContent()) ?? '';
    bText = (await page.locator('[data-testid=pref-b]').textContent()) ?? '';
  }
  expect(a).not.toBe(bText);
  await page.locator('[data-testid=pick-a]').click();
  await expect.poll(() => page.locator('[data-testid=pref-count]').textContent()).toBe('1 picked, 1 usable as pairs');
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid=pref-export]').click()]);
  const exported = readFileSync(await download.path(), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as unknown);
  expect(exported).toEqual([{ prompt: 'Reverse: abc', chosen: a, rejected: bText }]);

  await fill(page, 'reward', { steps: '4', batch: '2', lr: '0.003', evalEvery: '4', evalCount: '4' });
  const rewardStarted = Date.now();
  await page.locator('[data-testid=reward-start]').click();
  expect(await waitForPost(page, 'reward')).toMatch(/^Step 4 of 4 100% finished/);
  console.log(`[e2e] 4 reward steps with 4 held-out pairs in ${Date.now() - rewardStarted} ms`);
  expect((await lossSeries(page)).steps.at(-1)).toBe(4);
  expect(await page.locator('[data-testid=pair-accuracy]').textContent()).toMatch(/^\d+\.\d%$/);
  expect(await page.locator('[data-testid=heldout-accuracy]').textContent()).toMatch(/^\d+\.\d%$/);

  await page.locator('textarea[name=score-prompt]').fill('What is 2 + 3?');
  await page.locator('textarea[name=score-answer]').fill('5');
  await page.locator('[data-testid=score]').click();
  await expect.poll(() => page.locator('[data-testid=reward-score]').textContent(), { timeout: 30_000 }).toMatch(/^-?\d+\.\d{3}$/);
  await screenshot(page, 'reward');
  expect(pageErrors).toEqual([]);
});
