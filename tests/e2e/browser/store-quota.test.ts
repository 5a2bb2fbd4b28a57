/// <reference types="@vitest/browser-playwright" />
// A save that runs out of storage part-way: a clear StoreError, the chunks already written are
// removed, and the earlier checkpoint stays listed and readable. Chromium reads an origin's quota
// when IndexedDB is first used in a browser, so this file runs in a Vitest project (and browser)
// of its own, with the override set before anything opens a database.
import { cdp } from 'vitest/browser';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { StoreError } from '../../../src/checkpoint/store';
import { bytesOf, meta, openStore, randomBytes, rawChunks } from './store-helpers';

const QUOTA = 16 * 1024 * 1024;
beforeAll(() => cdp().send('Storage.overrideQuotaForOrigin', { origin: location.origin, quotaSize: QUOTA }));
afterAll(() => cdp().send('Storage.overrideQuotaForOrigin', { origin: location.origin }));

it('turns a full quota into a clear error, removes the partial chunks and keeps the earlier checkpoint', async () => {
  const { store, dbName } = await openStore({ chunkBytes: 512 * 1024 });
  const first = bytesOf(256 * 1024, 1);
  const m = await store.save(first, meta('first'));
  let written = 0;
  const err = await store.save(randomBytes(QUOTA + 4 * 1024 * 1024), meta('too big'), { onProgress: (done) => { written = done; } }).catch((e: unknown) => e);
  expect(written).toBeGreaterThan(0); // it failed part-way, after some chunks were stored
  expect(err).toBeInstanceOf(StoreError);
  expect(err).toMatchObject({ kind: 'quota' });
  expect((err as Error).message).toMatch(/Not enough browser storage to save "too big".*earlier checkpoints are untouched/);
  expect(await store.list()).toEqual([m]);
  expect((await rawChunks(dbName)).every(([id]) => id === m.id)).toBe(true);
  expect(await store.read(m.id)).toEqual(first);
});
