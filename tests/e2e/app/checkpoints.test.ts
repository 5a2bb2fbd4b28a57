// Checkpoints in the built app, on real IndexedDB: a run saved mid-way continues after a reload
// from its own step; import → reload → export gives the same bytes; rename and delete persist; a
// malformed file is refused with the codec's own reason and touches nothing; a torn write (chunks
// without a manifest, as a closed tab leaves them) is never listed and is collected; a write over
// the quota fails with a clear message and leaves the earlier checkpoint intact and loadable.
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { expect, test } from 'vitest';
import { LARGER_MODEL, SMALL_MODEL, badHeaderFile, checkpointFile } from './checkpoint-file';
import { lossSeries, messages, runStep, runText, screenshot, tinyRunLink, useBrowser, runToEnd, runsEnded, waitForApp, waitForReady, waitForRunEnd, WAIT } from './harness';

const b = useBrowser();
const DB = 'tabgpt-checkpoints';

const names = (page: Page) => page.locator('tg-checkpoints-panel li .name').allTextContents();

async function importFile(page: Page, name: string, buffer: Buffer): Promise<void> {
  await page.locator('tg-checkpoints-panel input[name=import]').setInputFiles({ name, mimeType: 'application/octet-stream', buffer });
}

async function exportBytes(page: Page, name: string): Promise<Buffer> {
  const item = page.locator('tg-checkpoints-panel li', { has: page.locator('.name', { hasText: name }) });
  const [download] = await Promise.all([page.waitForEvent('download'), item.getByRole('button', { name: 'Export' }).click()]);
  return readFile((await download.path())!);
}

/** Raw IndexedDB contents, read without the app's code: manifest ids and chunk keys. */
function rawStore(page: Page): Promise<{ manifests: string[]; chunks: [string, number][] }> {
  return page.evaluate((db) => new Promise((resolve, reject) => {
    const req = indexedDB.open(db);
    req.onerror = () => reject(req.error);
    req.onsuccess = () => {
      const tx = req.result.transaction(['manifests', 'chunks']);
      const m = tx.objectStore('manifests').getAllKeys();
      const c = tx.objectStore('chunks').getAllKeys();
      tx.oncomplete = () => { req.result.close(); resolve({ manifests: m.result as string[], chunks: c.result as [string, number][] }); };
    };
  }), DB);
}

test('a run saved mid-way is listed after a reload, loads, and continues from its own step', async () => {
  const { page, pageErrors } = await b.open();
  // A run far longer than the test needs: Pause lands mid-run however slow the page is to
  // press it (on a busy machine the worker can do dozens of steps before the click arrives).
  const TOTAL = 2000;
  await page.goto(b.baseUrl + tinyRunLink(TOTAL));
  await waitForReady(page);
  const before = await runsEnded(page);
  await page.locator('[data-testid=start]').click();
  await expect.poll(() => runStep(page), { timeout: WAIT }).toBeGreaterThanOrEqual(2);
  await page.locator('tg-train-panel').getByRole('button', { name: 'Pause' }).click();
  await expect.poll(() => runText(page)).toMatch(/paused$/);
  const stopped = await runStep(page);
  expect(stopped).toBeLessThan(TOTAL);
  // Saved while paused, then stopped: the run ends exactly where the checkpoint was taken.
  await page.locator('tg-train-panel').getByRole('button', { name: 'Save checkpoint' }).click();
  await expect.poll(() => names(page)).toContain(`Step ${stopped}`);
  await page.locator('tg-train-panel').getByRole('button', { name: 'Stop' }).click();
  expect(await waitForRunEnd(page, before)).toBe('stopped');
  expect(await runText(page)).toBe(`Step ${stopped} of ${TOTAL} ${Math.round((100 * stopped) / TOTAL)}% stopped`);

  // A fresh page without the link: default settings, until the checkpoint brings its own.
  await page.goto(b.baseUrl);
  await expect.poll(() => names(page), { timeout: WAIT }).toEqual(expect.arrayContaining([`Step ${stopped}`, `Autosave, step ${stopped}`]));
  expect(await page.locator('tg-model-panel input[name=nLayer]').inputValue()).toBe('2');
  const item = page.locator('tg-checkpoints-panel li', { has: page.locator('.name', { hasText: new RegExp(`^Step ${stopped}$`) }) });
  expect(await item.locator('.meta').first().textContent()).toMatch(new RegExp(`pretrain · step ${stopped} · saved`));
  await item.getByRole('button', { name: 'Load' }).click();
  await page.locator('[data-testid=continue]').waitFor({ timeout: WAIT });
  expect(await page.locator('[data-testid=continue]').textContent()).toMatch(`Continue from step ${stopped}`);
  expect(await page.locator('tg-model-panel input[name=nLayer]').inputValue()).toBe('1');
  expect(await page.locator('tg-model-panel input[name=dModel]').inputValue()).toBe('32');
  expect(await page.locator('tg-train-panel input[name=steps]').inputValue()).toBe(String(TOTAL));
  await screenshot(page, 'checkpoint-loaded');

  // Continue for a few more steps only (the run now ends earlier than it was set to).
  const end = stopped + 4;
  await page.locator('tg-train-panel input[name=steps]').fill(String(end));
  expect(await runToEnd(page, page.locator('[data-testid=continue]'))).toBe('done');
  expect(await runText(page)).toBe(`Step ${end} of ${end} 100% finished`);
  const { steps } = await lossSeries(page);
  expect(steps.length).toBeGreaterThan(0);
  expect(steps[0]).toBeGreaterThan(stopped);
  expect(steps.at(-1)).toBe(end);
  expect(pageErrors).toEqual([]);
});

test('import, reload, export, rename and delete round-trip through IndexedDB', async () => {
  const { page, pageErrors } = await b.open();
  await page.goto(b.baseUrl);
  await waitForApp(page);
  const original = checkpointFile(SMALL_MODEL, 7);
  await importFile(page, 'my-model.safetensors', original);
  await expect.poll(() => names(page)).toEqual(['my-model']);
  await page.reload();
  await expect.poll(() => names(page), { timeout: WAIT }).toEqual(['my-model']);
  expect((await exportBytes(page, 'my-model')).equals(original)).toBe(true);
  await screenshot(page, 'checkpoints');

  const item = page.locator('tg-checkpoints-panel li');
  await item.getByRole('button', { name: 'Rename' }).click();
  await page.locator('tg-checkpoints-panel input[name=name]').fill('renamed model');
  await page.keyboard.press('Enter');
  await expect.poll(() => names(page)).toEqual(['renamed model']);
  await page.reload();
  await expect.poll(() => names(page), { timeout: WAIT }).toEqual(['renamed model']);

  await item.getByRole('button', { name: 'Delete' }).click();
  await page.locator('tg-checkpoints-panel').getByRole('group', { name: 'Confirm delete' }).getByRole('button', { name: 'Delete' }).click();
  await page.locator('[data-testid=no-checkpoints]').waitFor();
  await page.reload();
  await page.locator('[data-testid=no-checkpoints]').waitFor({ timeout: WAIT });
  expect(await rawStore(page)).toEqual({ manifests: [], chunks: [] });
  expect(pageErrors).toEqual([]);
});

test('a malformed file is refused with the codec\'s reason, and the checkpoints already kept are untouched', async () => {
  const { page, pageErrors } = await b.open();
  await page.goto(b.baseUrl);
  await waitForApp(page);
  const good = checkpointFile(SMALL_MODEL, 5);
  await importFile(page, 'good.safetensors', good);
  await expect.poll(() => names(page)).toEqual(['good']);
  const stored = await rawStore(page);
  const importError = () => page.locator('[data-testid=import-error]').textContent();

  const bad: [string, Buffer, RegExp][] = [
    ['empty.safetensors', Buffer.alloc(0), /The file is empty/],
    ['truncated.safetensors', good.subarray(0, good.length - 1000), /Tensor ".+" ends at byte \d+ but the data section has only \d+; the file is truncated\./],
    ['bad-header.safetensors', badHeaderFile(), /The header is not valid JSON: /],
  ];
  for (const [name, bytes, reason] of bad) {
    await importFile(page, name, bytes);
    await expect.poll(importError).toMatch(new RegExp(`^Could not import "${name}": ${reason.source}`));
    if (name === 'truncated.safetensors') await screenshot(page, 'import-malformed');
  }
  expect(await names(page)).toEqual(['good']);
  expect(await rawStore(page)).toEqual(stored);
  expect((await exportBytes(page, 'good')).equals(good)).toBe(true);
  expect(pageErrors).toEqual([]);
});

test('a torn write is never listed and its chunks are collected on the next open', async () => {
  const { page, pageErrors } = await b.open();
  await page.goto(b.baseUrl);
  await waitForApp(page);
  await importFile(page, 'good.safetensors', checkpointFile(SMALL_MODEL, 3));
  await expect.poll(() => names(page)).toEqual(['good']);
  // What a tab closed mid-save leaves behind: chunks whose manifest was never written.
  await page.evaluate((db) => new Promise<void>((resolve, reject) => {
    const req = indexedDB.open(db);
    req.onsuccess = () => {
      const tx = req.result.transaction('chunks', 'readwrite');
      for (let i = 0; i < 2; i++) tx.objectStore('chunks').put({ id: 'torn-write', index: i, bytes: new Uint8Array(5000) });
      tx.oncomplete = () => { req.result.close(); resolve(); };
      tx.onerror = () => reject(tx.error);
    };
  }), DB);
  expect((await rawStore(page)).chunks.filter(([id]) => id === 'torn-write')).toHaveLength(2);
  await page.reload();
  await waitForApp(page);
  await expect.poll(() => names(page), { timeout: WAIT }).toEqual(['good']);
  await expect.poll(async () => (await rawStore(page)).chunks.filter(([id]) => id === 'torn-write').length).toBe(0);
  expect(pageErrors).toEqual([]);
});

test('a save over the storage quota fails clearly and keeps the earlier checkpoint', async () => {
  const { context, page, pageErrors } = await b.open();
  // A tiny quota, set before the page opens its database (Chromium applies an override to
  // connections opened after it): room for the app's own files and one small checkpoint.
  const cdp = await context.newCDPSession(page);
  await cdp.send('Storage.overrideQuotaForOrigin', { origin: new URL(b.baseUrl).origin, quotaSize: 3 * 1024 * 1024 });
  await page.goto(b.baseUrl);
  await waitForApp(page);
  const first = checkpointFile(SMALL_MODEL, 11);
  await importFile(page, 'first.safetensors', first);
  await expect.poll(() => names(page)).toEqual(['first']);

  await importFile(page, 'too-big.safetensors', checkpointFile(LARGER_MODEL, 12));
  await expect.poll(() => page.locator('[data-testid=import-error]').textContent(), { timeout: WAIT }).toMatch(/Not enough browser storage.*earlier checkpoints are untouched/);
  await screenshot(page, 'checkpoints-quota-error');
  expect(await names(page)).toEqual(['first']);
  const raw = await rawStore(page);
  expect(raw.chunks.every(([id]) => raw.manifests.includes(id))).toBe(true);
  expect((await exportBytes(page, 'first')).equals(first)).toBe(true);
  expect(await messages(page, 'error')).toBe('');
  expect(pageErrors).toEqual([]);
});
