// Share links in the built app: a link applies its settings (and nothing runs), Copy link writes
// the current settings back into the address, and hostile links are rejected with nothing executed.
import { expect, test } from 'vitest';
import { countParams } from '../../../src/model/params';
import { applyLink } from '../../../src/share/apply';
import { parseFragment } from '../../../src/share/codec';
import { formatCount } from '../../../src/share/describe';
import { defaultSettings } from '../../../src/share/settings';
import { messages, screenshot, useBrowser, waitForApp } from './harness';

const b = useBrowser();

/** Every element in the document and in every open shadow root. */
const ALL_ELEMENTS = `(() => {
  const out = [];
  const walk = (root) => { for (const el of root.querySelectorAll('*')) { out.push(el); if (el.shadowRoot) walk(el.shadowRoot); } };
  walk(document);
  return out;
})()`;

test('a link applies its settings and Copy link writes them back', async () => {
  const { page, pageErrors } = await b.open({ permissions: ['clipboard-read', 'clipboard-write'] });
  const hash = '#v=1&preset=small&nLayer=3&steps=123&lr=0.002&prompt=Hello%20there';
  await page.goto(b.baseUrl + hash);
  await waitForApp(page);
  expect(await page.locator('tg-model-panel input[name=nLayer]').inputValue()).toBe('3');
  expect(await page.locator('tg-model-panel input[name=dModel]').inputValue()).toBe('384');
  expect(await page.locator('tg-train-panel input[name=steps]').inputValue()).toBe('123');
  expect(await page.locator('tg-train-panel input[name=lr]').inputValue()).toBe('0.002');
  expect(await page.locator('tg-sample-panel textarea[name=prompt]').inputValue()).toBe('Hello there');
  const parsed = parseFragment(hash);
  const applied = parsed.ok ? applyLink(defaultSettings(), parsed.link) : null;
  if (!applied?.ok) throw new Error('test link must be valid');
  expect(await page.locator('[data-testid=param-count]').textContent()).toBe(formatCount(countParams(applied.settings.model)));
  expect(await messages(page, 'notice')).toMatch(/Settings loaded from the link/);
  expect(await page.locator('[data-testid=start]').isEnabled()).toBe(true);
  expect(await page.locator('tg-progress').count()).toBe(0);

  await page.locator('tg-train-panel input[name=steps]').fill('77');
  await page.locator('[data-testid=copy-link]').click();
  await expect.poll(() => messages(page, 'notice')).toMatch(/Link copied/);
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toBe(page.url());
  const fragment = new URL(copied).hash;
  expect(parseFragment(fragment)).toEqual({ ok: true, link: { v: 1, preset: 'small', nLayer: 3, steps: 77, lr: 0.002, prompt: 'Hello there' } });
  await screenshot(page, 'share-link-applied');
  expect(pageErrors).toEqual([]);
});

test('a hostile link is rejected whole and nothing in it runs', async () => {
  const { page, pageErrors } = await b.open();
  const dialogs: string[] = [];
  page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
  const hostile = `#prompt=${encodeURIComponent('<img src=x onerror="window.__pwned=1">')}&__proto__=1&nLayer=${encodeURIComponent('<script>window.__pwned=2</script>')}&steps=5`;
  await page.goto(b.baseUrl + hostile);
  await waitForApp(page);
  const errors = await messages(page, 'error');
  expect(errors).toMatch(/not applied/);
  expect(errors).toMatch(/"__proto__" is not allowed/);
  expect(errors).toMatch(/"nLayer" must be a whole number/);
  // Nothing applied: not even the valid pairs.
  expect(await page.locator('tg-train-panel input[name=steps]').inputValue()).toBe('500');
  expect(await page.locator('tg-sample-panel textarea[name=prompt]').inputValue()).toBe('Once there was');
  expect(await page.evaluate('[window.__pwned, Object.keys(Object.prototype).length, ({}).nLayer]')).toEqual([undefined, 0, undefined]);
  await screenshot(page, 'share-link-rejected');

  // A valid link may carry markup as a prompt: it must stay inert text.
  await page.goto(`${b.baseUrl}#prompt=${encodeURIComponent('<img src=x onerror="window.__pwned=3"><script>window.__pwned=4</script>')}`);
  await page.reload();
  await waitForApp(page);
  expect(await page.locator('tg-sample-panel textarea[name=prompt]').inputValue()).toBe('<img src=x onerror="window.__pwned=3"><script>window.__pwned=4</script>');
  const injected = await page.evaluate(`${ALL_ELEMENTS}.filter((el) => el.tagName === 'IMG' || (el.tagName === 'SCRIPT' && el.textContent.includes('pwned'))).length`);
  expect(injected).toBe(0);
  expect(await page.evaluate('window.__pwned')).toBeUndefined();
  expect(dialogs).toEqual([]);
  expect(pageErrors).toEqual([]);
});

test('an oversize link is refused with a message', async () => {
  const { page } = await b.open();
  await page.goto(`${b.baseUrl}#text=${'a'.repeat(9000)}&data=text`);
  await waitForApp(page);
  expect(await messages(page, 'error')).toMatch(/too long/);
});
