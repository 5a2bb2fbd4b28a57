// The oracle's parameter table and GPT-2 init against the spec (docs/CONTRACTS.md, "Model definition"),
// with the expected shapes written out by hand.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/util/rng';
import { initParams, numel, paramShapes, type OracleConfig } from '../oracle/config';
import { gpt2Tiny, llamaTiny } from '../oracle/fixtures';

const entries = (config: OracleConfig): [string, number[]][] => [...paramShapes(config)];

describe('paramShapes', () => {
  it('GPT-2 style: biases, layernorm biases, learned positions, tied (no lm_head)', () => {
    const layer = (i: number): [string, number[]][] => [
      [`h.${i}.ln1.weight`, [16]], [`h.${i}.ln1.bias`, [16]],
      [`h.${i}.attn.qkv.weight`, [48, 16]], [`h.${i}.attn.qkv.bias`, [48]],
      [`h.${i}.attn.proj.weight`, [16, 16]], [`h.${i}.attn.proj.bias`, [16]],
      [`h.${i}.ln2.weight`, [16]], [`h.${i}.ln2.bias`, [16]],
      [`h.${i}.mlp.fc.weight`, [64, 16]], [`h.${i}.mlp.fc.bias`, [64]],
      [`h.${i}.mlp.proj.weight`, [16, 64]], [`h.${i}.mlp.proj.bias`, [16]],
    ];
    expect(entries(gpt2Tiny)).toEqual([
      ['wte', [19, 16]], ['wpe', [8, 16]], ...layer(0), ...layer(1), ['lnf.weight', [16]], ['lnf.bias', [16]],
    ]);
  });

  it('Llama style: qkv rows (nHead + 2·nKvHead)·hd, swiglu fc 2H, no wpe, no biases, lm_head', () => {
    const layer = (i: number): [string, number[]][] => [
      [`h.${i}.ln1.weight`, [16]], [`h.${i}.attn.qkv.weight`, [32, 16]], [`h.${i}.attn.proj.weight`, [16, 16]],
      [`h.${i}.ln2.weight`, [16]], [`h.${i}.mlp.fc.weight`, [96, 16]], [`h.${i}.mlp.proj.weight`, [16, 48]],
    ];
    expect(entries(llamaTiny)).toEqual([['wte', [19, 16]], ...layer(0), ...layer(1), ['lnf.weight', [16]], ['lm_head.weight', [19, 16]]]);
  });

  it('RMSNorm never has a bias, even when linear layers do; LayerNorm without `bias` has none', () => {
    const rmsWithBias = paramShapes({ ...llamaTiny, bias: true });
    expect(rmsWithBias.has('h.0.attn.qkv.bias')).toBe(true);
    expect([...rmsWithBias.keys()].filter((n) => /ln[12f]\.bias$/.test(n))).toEqual([]);
    const lnNoBias = paramShapes({ ...gpt2Tiny, bias: false });
    expect([...lnNoBias.keys()].filter((n) => n.endsWith('.bias'))).toEqual([]);
  });
});

describe('initParams (GPT-2 init)', () => {
  const config: OracleConfig = { ...gpt2Tiny, vocabSize: 300, dModel: 64, nLayer: 4, mlpHidden: 256, contextLength: 32 };

  it('draws the normal tensors from one Rng(seed) in paramShapes order', () => {
    const params = initParams(config, 42);
    const rng = new Rng(42);
    expect(params.wte).toEqual(rng.normals(300 * 64, 0.02));
    expect(params.wpe).toEqual(rng.normals(32 * 64, 0.02));
    expect(params['h.0.attn.qkv.weight']).toEqual(rng.normals(192 * 64, 0.02));
    expect(params['h.0.attn.proj.weight']).toEqual(rng.normals(64 * 64, 0.02 / Math.sqrt(8)));
  });

  it('weights N(0, 0.02), residual projections N(0, 0.02/√(2·nLayer)), biases 0, norm weights 1', () => {
    const params = initParams(config, 7);
    expect(Object.keys(params)).toEqual([...paramShapes(config).keys()]);
    const residualStd = 0.02 / Math.sqrt(2 * config.nLayer);
    for (const [name, shape] of paramShapes(config)) {
      const p = params[name];
      expect(p.length).toBe(numel(shape));
      if (name.endsWith('.bias')) expect(p.every((v) => v === 0), name).toBe(true);
      else if (shape.length === 1) expect(p.every((v) => v === 1), name).toBe(true);
      else {
        const mean = p.reduce((a, v) => a + v, 0) / p.length;
        const std = Math.sqrt(p.reduce((a, v) => a + v * v, 0) / p.length);
        const want = /\.(attn|mlp)\.proj\.weight$/.test(name) ? residualStd : 0.02;
        // ≥ 4096 samples: the sample std is within ~1.1% (1σ) of the truth; allow 5σ.
        expect(Math.abs(std / want - 1), `${name} std ${std}`).toBeLessThan(0.06);
        expect(Math.abs(mean), `${name} mean`).toBeLessThan((5 * want) / Math.sqrt(p.length));
      }
    }
  });

  it('is repeatable per seed and differs across seeds', () => {
    expect(initParams(gpt2Tiny, 3)).toEqual(initParams(gpt2Tiny, 3));
    expect(initParams(gpt2Tiny, 3).wte).not.toEqual(initParams(gpt2Tiny, 4).wte);
  });
});
