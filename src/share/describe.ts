// Short human-readable descriptions of models and sizes, shared by the UI and the worker.
import type { ModelConfig } from '../model/config';
import { countParams } from '../model/params';

/** 1234 → "1.2K", 124439808 → "124.4M". */
export function formatCount(n: number): string {
  if (n < 1000) return String(n);
  const [div, unit] = n < 1e6 ? [1e3, 'K'] : n < 1e9 ? [1e6, 'M'] : [1e9, 'B'];
  return `${(n / div).toFixed(1)}${unit}`;
}

/** One line for lists: "2 layers · d 128 · 4 heads · ctx 64 · 0.4M params". */
export function describeModel(c: ModelConfig): string {
  return `${c.nLayer} layer${c.nLayer === 1 ? '' : 's'} · d ${c.dModel} · ${c.nHead} heads · ctx ${c.contextLength} · ${formatCount(countParams(c))} params`;
}
