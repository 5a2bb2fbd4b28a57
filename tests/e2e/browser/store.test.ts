// The IndexedDB checkpoint store, tested directly in Chromium (Vitest browser mode): chunking,
// checksums, retention, rename, delete, cancellation and garbage collection (the quota error is
// in store-quota.test.ts, which needs a browser of its own).
// Small chunks stand in for the 64 MiB ones so multi-chunk paths run in milliseconds.
import { describe, expect, it } from 'vitest';
import type { SaveMeta } from '../../../src/checkpoint/store';
import { bytesOf, meta, openStore, rawChunks, rawPut } from './store-helpers';

describe('CheckpointStore', () => {
  it('splits into chunks, lists only the manifest, and reads back the same bytes', async () => {
    const { store, dbName } = await openStore();
    const bytes = bytesOf(4567, 1);
    const progress: number[] = [];
    const m = await store.save(bytes, meta('a'), { onProgress: (done) => progress.push(done) });
    expect(m).toMatchObject({ name: 'a', byteLength: 4567, chunkCount: 5, chunkBytes: 1000, kind: 'manual' });
    expect(m.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(progress).toEqual([1000, 2000, 3000, 4000, 4567]);
    expect((await rawChunks(dbName)).length).toBe(5);
    expect(await store.list()).toEqual([m]);
    expect(await store.read(m.id)).toEqual(bytes);
  });

  it('a view into a larger buffer stores only its own bytes', async () => {
    const { store } = await openStore({ chunkBytes: 64 });
    const big = bytesOf(10_000, 2);
    const view = big.subarray(100, 300);
    const m = await store.save(view, meta('view'));
    expect(m.byteLength).toBe(200);
    expect(await store.read(m.id)).toEqual(view.slice());
  });

  it('detects a damaged chunk by its checksum', async () => {
    const { store, dbName } = await openStore();
    const m = await store.save(bytesOf(2500, 3), meta('victim'));
    await rawPut(dbName, { id: m.id, index: 1, bytes: bytesOf(1000, 99) });
    await expect(store.read(m.id)).rejects.toMatchObject({ name: 'StoreError', kind: 'corrupt' });
  });

  it('keeps the last K autosaves and every manual save', async () => {
    const { store } = await openStore({ keepAutosaves: 2 });
    await store.save(bytesOf(10, 1), meta('manual 1'));
    // Saves within one millisecond still get distinct, increasing creation times.
    for (let i = 1; i <= 4; i++) await store.save(bytesOf(10, i), meta(`auto ${i}`, 'auto', i));
    expect((await store.list()).map((m) => m.name)).toEqual(['auto 4', 'auto 3', 'manual 1']);
  });

  it('keeps autosaves per stage: runs of one stage never evict another stage\'s autosaves', async () => {
    const { store } = await openStore({ keepAutosaves: 2 });
    const at = (stage: string, name: string, step: number, parent?: SaveMeta['parent']): SaveMeta => ({ ...meta(name, 'auto', step), stage, parent });
    const base = await store.save(bytesOf(10, 1), at('pretrain', 'base', 10));
    const sft = await store.save(bytesOf(10, 2), at('sft', 'sft', 4, { id: base.id, name: 'base', stage: 'pretrain', step: 10 }));
    await store.save(bytesOf(10, 3), at('reward', 'rm', 4, { id: sft.id, name: 'sft', stage: 'sft', step: 4 }));
    await store.save(bytesOf(10, 4), at('rlhf', 'rl', 2, { id: sft.id, name: 'sft', stage: 'sft', step: 4 }));
    for (let i = 1; i <= 6; i++) await store.save(bytesOf(10, 10 + i), at('pretrain', `pretrain ${i}`, i));
    const list = await store.list();
    expect(list.map((m) => `${m.stage}:${m.name}`)).toEqual(['pretrain:pretrain 6', 'pretrain:pretrain 5', 'rlhf:rl', 'reward:rm', 'sft:sft']);
    expect(list.find((m) => m.stage === 'rlhf')!.parent).toEqual({ id: sft.id, name: 'sft', stage: 'sft', step: 4 });
    expect(list.find((m) => m.name === 'pretrain 6')!.parent).toBeUndefined();
  });

  it('rename keeps the bytes, turns an autosave into a kept save, and rejects bad names', async () => {
    const { store } = await openStore({ keepAutosaves: 1 });
    const a = await store.save(bytesOf(50, 1), meta('first auto', 'auto'));
    const renamed = await store.rename(a.id, '  keep me  ');
    expect(renamed).toMatchObject({ name: 'keep me', kind: 'manual', sha256: a.sha256 });
    await store.save(bytesOf(50, 2), meta('second auto', 'auto'));
    await store.save(bytesOf(50, 3), meta('third auto', 'auto'));
    expect((await store.list()).map((m) => m.name).sort()).toEqual(['keep me', 'third auto']);
    await expect(store.rename(a.id, '   ')).rejects.toMatchObject({ kind: 'invalid' });
    await expect(store.rename('missing', 'x')).rejects.toMatchObject({ kind: 'not-found' });
  });

  it('delete removes the manifest and every chunk', async () => {
    const { store, dbName } = await openStore();
    const keep = await store.save(bytesOf(1500, 1), meta('keep'));
    const gone = await store.save(bytesOf(3500, 2), meta('gone'));
    await store.delete(gone.id);
    expect((await store.list()).map((m) => m.id)).toEqual([keep.id]);
    expect((await rawChunks(dbName)).every(([id]) => id === keep.id)).toBe(true);
    await expect(store.read(gone.id)).rejects.toMatchObject({ kind: 'not-found' });
  });

  it('a cancelled save leaves nothing behind', async () => {
    const { store, dbName } = await openStore();
    const controller = new AbortController();
    const save = store.save(bytesOf(5000, 1), meta('cancelled'), { signal: controller.signal, onProgress: (done) => { if (done >= 2000) controller.abort(); } });
    await expect(save).rejects.toMatchObject({ kind: 'cancelled' });
    expect(await store.list()).toEqual([]);
    expect(await rawChunks(dbName)).toEqual([]);
  });

  it('collects chunks of torn writes when it opens, never touching complete checkpoints', async () => {
    const { store, dbName } = await openStore();
    const m = await store.save(bytesOf(2500, 1), meta('complete'));
    await rawPut(dbName, { id: 'torn', index: 0, bytes: bytesOf(1000, 2) });
    await rawPut(dbName, { id: 'torn', index: 1, bytes: bytesOf(1000, 3) });
    expect(await store.list()).toEqual([m]);
    const again = await openStore({ dbName });
    expect((await rawChunks(dbName)).map(([id]) => id)).toEqual([m.id, m.id, m.id]);
    expect(await again.store.read(m.id)).toEqual(bytesOf(2500, 1));
  });

});
