// Which built-in tasks the app's post-training stages use: the chosen corpus's task set (the
// classical tasks after pretraining on the Analects), the generated world's for the user's own text.
import { describe, expect, it } from 'vitest';
import { CORPORA } from '../../src/data/corpora';
import { builtinFamilies } from '../../src/train/engine-stages';
import { loadTaskFamilies } from '../../src/tasks';
import { DEFAULT_DATA } from '../../src/share/settings';
import { Rng } from '../../src/util/rng';

const names = (fs: { name: string }[]) => fs.map((f) => f.name);

describe('the built-in tasks follow the corpus', () => {
  it('uses each corpus\'s own task set for built-in data', async () => {
    for (const c of CORPORA) {
      const got = names(await builtinFamilies({ ...DEFAULT_DATA, corpus: c.name }));
      expect(got, c.name).toEqual(names(await loadTaskFamilies(c.task)));
      expect(got.length, c.name).toBeGreaterThan(0);
    }
  });

  it('gives the Analects the classical continuation task, not the generated world\'s', async () => {
    const lunyu = await builtinFamilies({ ...DEFAULT_DATA, corpus: 'lunyu' });
    const world = await builtinFamilies({ ...DEFAULT_DATA, corpus: 'world' });
    expect(names(lunyu).some((n) => names(world).includes(n))).toBe(false);
    const item = lunyu[0].draw(new Rng(1));
    expect(item.prompt + item.answer).toMatch(/\p{Script=Han}/u);
  });

  it('uses the generated world\'s tasks for pasted or loaded text, whatever corpus was chosen before', async () => {
    const text = await builtinFamilies({ ...DEFAULT_DATA, source: 'text', text: 'abc', corpus: 'lunyu' });
    expect(names(text)).toEqual(names(await loadTaskFamilies('all')));
  });
});
