// The import boundaries of src/ (README "Layout"): layers point down, stages never import each
// other, and there are no import cycles. The checker itself is tested on small made-up graphs
// first, so a pass on the real tree means the rules held, not that the checker saw nothing.
import { describe, it, expect } from 'vitest';
import { fileURLToPath } from 'node:url';
import { importCycles, importSpecifiers, layerViolations, readImportGraph, stageOf, type ImportGraph } from '../helpers/import-graph';

const SRC = fileURLToPath(new URL('../../src', import.meta.url));
const graphOf = (edges: Record<string, string[]>): ImportGraph => new Map(Object.entries(edges));

describe('import checker', () => {
  it('reads static, type-only, re-export, side-effect and dynamic imports, not comments', () => {
    const src = [
      "import { a } from './a';",
      "import type { B } from '../b';",
      "export { c } from './c';",
      "export * from './d';",
      "import './e';",
      "const f = await import('./f');",
      "// import { g } from './g';",
      "/* import { h } from './h'; */",
      "import {\n  i,\n  j,\n} from './ij';",
    ].join('\n');
    expect(importSpecifiers(src)).toEqual(['./a', '../b', './c', './d', './e', './f', './ij']);
  });

  it('names the stage of a training file', () => {
    expect(stageOf('train/pretrain.ts')).toBe('pretrain');
    expect(stageOf('train/sft-eval.ts')).toBe('sft');
    expect(stageOf('train/reward-trainer.ts')).toBe('reward');
    expect(stageOf('train/rl/pg.ts')).toBe('rl');
    expect(stageOf('train/optimizer.ts')).toBeNull();
    expect(stageOf('train/runtime/loop.ts')).toBeNull();
  });

  it('flags each forbidden kind of import', () => {
    const bad = graphOf({
      'gpu/x.ts': ['kernels/k.ts'], 'kernels/k.ts': ['model/m.ts'], 'model/m.ts': ['train/t.ts'], 'train/t.ts': ['worker/w.ts'],
      'worker/w.ts': ['ui/u.ts'], 'tokenizer/t.ts': ['gpu/g.ts'], 'checkpoint/c.ts': ['ui/u.ts'], 'util/u.ts': ['data/d.ts'],
      'train/sft.ts': ['train/pretrain.ts'], 'train/rl/run.ts': ['train/reward.ts'],
    });
    expect(layerViolations(bad)).toHaveLength(10);
    const good = graphOf({ 'ui/u.ts': ['worker/w.ts', 'train/t.ts'], 'train/sft.ts': ['train/optimizer.ts', 'model/m.ts', 'util/u.ts'], 'gpu/g.ts': ['util/u.ts'] });
    expect(layerViolations(good)).toEqual([]);
  });

  it('finds cycles, including a file importing itself', () => {
    expect(importCycles(graphOf({ 'a.ts': ['b.ts'], 'b.ts': ['c.ts'], 'c.ts': ['a.ts'], 'd.ts': ['a.ts'] }))).toEqual([['a.ts', 'b.ts', 'c.ts']]);
    expect(importCycles(graphOf({ 'a.ts': ['a.ts'] }))).toEqual([['a.ts']]);
    expect(importCycles(graphOf({ 'a.ts': ['b.ts'], 'b.ts': [] }))).toEqual([]);
  });
});

describe('src/', () => {
  const graph = readImportGraph(SRC);

  it('is read whole', () => {
    expect(graph.size).toBeGreaterThan(100);
    expect(graph.get('train/pretrain.ts')?.length).toBeGreaterThan(3);
  });

  it('has no forbidden import', () => {
    expect(layerViolations(graph)).toEqual([]);
  });

  it('has no import cycle', () => {
    expect(importCycles(graph)).toEqual([]);
  });

  it('production code never imports a CPU reference (*.ref.ts)', () => {
    const refs = [...graph].flatMap(([from, to]) => to.filter((t) => t.endsWith('.ref.ts')).map((t) => `${from} → ${t}`));
    expect(refs).toEqual([]);
  });
});
