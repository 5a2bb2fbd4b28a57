// RLHF in the built app: a tiny model pretrains and fine-tunes for a few steps, which enables the
// RLHF tab; two GRPO steps rewarded by the task grader draw the reward / KL chart, report their
// numbers and fill the rollout table; the compare view answers one prompt with all three models;
// then a reward model trained for two steps rewards one PPO step.
import { expect, test } from 'vitest';
import { messages, screenshot, useBrowser, runToEnd, waitForApp, WAIT } from './harness';

const b = useBrowser();

/** A byte-level model small enough for a software adapter, with room for a task prompt and a short reply. */
const LINK = '#nLayer=1&dModel=32&nHead=2&contextLength=96&batch=2&steps=2&warmup=1&lr=0.003&evalEvery=2&maxTokens=8';

test('GRPO with the task grader after a tiny pretrain and SFT, the compare view, then PPO on a reward model', async () => {
  const { page, pageErrors } = await b.open();
  await page.goto(b.baseUrl + LINK);
  await waitForApp(page);
  const rlTab = page.locator('tg-stage-rail [data-stage=rlhf]');
  expect(await rlTab.isDisabled()).toBe(true);
  expect(await runToEnd(page)).toBe('done');

  const sftTab = page.locator('tg-stage-rail [data-stage=sft]');
  await expect.poll(() => sftTab.isEnabled()).toBe(true);
  await sftTab.click();
  for (const [k, v] of Object.entries({ steps: '2', batch: '2', evalEvery: '0', evalCount: '0' })) await page.locator(`input[name=sft-${k}]`).fill(v);
  expect(await runToEnd(page, page.locator('[data-testid=sft-start]'))).toBe('done');
  expect(await messages(page, 'error')).toBe('');

  await expect.poll(() => rlTab.isEnabled()).toBe(true);
  await rlTab.click();
  expect(await page.locator('[data-testid=rlhf-base]').textContent()).toMatch(/SFT model trained in this tab \(step 2\)/);
  await page.locator('input[name=rl-method][value=grpo]').check();
  await page.locator('input[name=rl-reward][value=grader]').check();
  for (const [k, v] of Object.entries({ steps: '2', lr: '0.001', promptsPerStep: '2', groupSize: '2', maxNewTokens: '4' })) await page.locator(`input[name=rl-${k}]`).fill(v);
  const started = Date.now();
  expect(await runToEnd(page, page.locator('[data-testid=rlhf-start]'))).toBe('done');
  console.log(`[e2e] 2 GRPO steps (2 prompts × 2) in ${Date.now() - started} ms`);
  expect(await messages(page, 'error')).toBe('');
  expect(await page.locator('[data-testid=rlhf-progress] .top').textContent()).toMatch(/Step 2 of 2/);

  // The chart has one point per step, and the numbers and the rollout table are filled in.
  expect(await page.locator('tg-rl-chart .plot').first().getAttribute('data-points')).toBe('2');
  expect(await page.locator('tg-rl-chart .plot').nth(1).getAttribute('data-points')).toBe('2');
  expect(await page.locator('[data-testid=rl-chart-clip]').textContent()).toMatch(/^\d/);
  expect(await page.locator('[data-testid=rl-chart-length]').textContent()).toMatch(/^\d/);
  expect(await page.locator('[data-testid=rl-chart-reward]').textContent()).toMatch(/^\d/);
  expect(await page.locator('[data-testid=rl-chart-kl]').textContent()).toMatch(/^-?\d/);
  expect(await page.locator('[data-testid=rl-reward]').textContent()).toMatch(/^\d+\.\d{3}$/);
  expect(await page.locator('[data-testid=rl-length]').textContent()).toMatch(/^\d+\.\d$/);
  const rows = page.locator('[data-testid=rollouts] tbody tr');
  expect(await rows.count()).toBe(4);
  expect(await rows.first().locator('td').first().textContent()).not.toBe('');
  expect(await rows.first().locator('td').nth(2).textContent()).toMatch(/^[01]\.00$/);
  expect(await rows.first().locator('td').nth(3).textContent()).toMatch(/^-?\d+\.\d{3}$/); // this rollout's own KL

  await page.locator('textarea[name=compare-prompt]').fill('What is 2 + 3?');
  await page.locator('[data-testid=compare]').click();
  for (const k of ['base', 'sft', 'rlhf']) {
    await page.locator(`[data-testid=compare-${k}]`).waitFor({ timeout: WAIT });
    expect(await page.locator(`[data-testid=compare-${k}]`).textContent()).not.toMatch(/no such model/);
  }
  expect(await messages(page, 'error')).toBe('');
  await screenshot(page, 'rlhf');

  // A reward model trained in the Reward tab becomes the reward of a PPO step.
  expect(await page.locator('input[name=rl-reward][value=model]').isDisabled()).toBe(true);
  await page.locator('tg-stage-rail [data-stage=reward]').click();
  for (const [k, v] of Object.entries({ steps: '2', batch: '2', evalEvery: '0', evalCount: '1' })) await page.locator(`input[name=reward-${k}]`).fill(v);
  expect(await runToEnd(page, page.locator('[data-testid=reward-start]'))).toBe('done');
  await rlTab.click();
  await page.locator('input[name=rl-method][value=ppo]').check();
  await page.locator('input[name=rl-reward][value=model]').check();
  await page.locator('input[name=rl-steps]').fill('1');
  expect(await runToEnd(page, page.locator('[data-testid=rlhf-start]'))).toBe('done');
  expect(await messages(page, 'error')).toBe('');
  expect(await page.locator('tg-rl-chart .plot').first().getAttribute('data-points')).toBe('1');
  expect(await page.locator('[data-testid=rl-chart-value]').textContent()).toMatch(/^-?\d/); // PPO trains a value head
  expect(await page.locator('[data-testid=rl-reward]').textContent()).toMatch(/^-?\d+\.\d{3}$/);
  // Rollouts scored by the reward model are listed too.
  expect(await rows.count()).toBeGreaterThan(0);
  expect(await rows.first().locator('td').nth(2).textContent()).toMatch(/^-?\d+\.\d+$/);

  // Six more short pretraining runs evict only pretraining autosaves: the newest SFT, reward and
  // RLHF autosaves stay, each recording the model it was trained from.
  await page.locator('tg-stage-rail [data-stage=pretrain]').click();
  await page.locator('tg-train-panel input[name=steps]').fill('1');
  for (let i = 0; i < 6; i++) expect(await runToEnd(page)).toBe('done');
  const autos = await page.evaluate(() => document.querySelector('tg-app')!.trainer.checkpoints.list
    .filter((m) => m.kind === 'auto').map((m) => ({ stage: m.stage, parent: m.parent?.stage ?? '' })));
  expect(autos.filter((m) => m.stage === 'pretrain')).toHaveLength(3);
  for (const [stage, parent] of [['sft', 'pretrain'], ['reward', 'sft'], ['rl', 'sft']])
    expect(autos).toContainEqual({ stage, parent });
  expect(await messages(page, 'error')).toBe('');
  expect(pageErrors).toEqual([]);
});
