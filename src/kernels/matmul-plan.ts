// Which matmul kernel a product runs with, per adapter and shape class — the synchronous half of
// the autotuner (matmul-tune.ts times candidates; this module remembers the winners and answers
// while a step is being recorded). CPU-based adapters always get the register-blocked 'regs'
// kernel. On a GPU a shape class that has been tuned gets its winner; one that has not gets a
// heuristic tile and is noted, so that tunePendingMatmuls() can time it before the next step.
// Winners are kept in memory per adapter description, and can be exported and imported as JSON
// (e.g. to persist them with the app's settings). It does not time anything itself.
import type { Gpu } from '../gpu/gpu';
import { DEFAULT_TILE, SMALL_TILE, tileName, type TileConfig } from './matmul-tile-config';

/** 'regs': matmul_forward_regs.wgsl (CPU adapters); 'tiled': the older 64×64 kernel
 *  matmul_forward.wgsl (kept as the bench's baseline); a TileConfig: the generated tiled family. */
export type MatmulKernel = 'regs' | 'tiled' | TileConfig;

export interface MatmulShape {
  M: number;
  N: number;
  K: number;
  batch: number;
  transA: boolean;
  transB: boolean;
}

/** Shapes whose best kernel is likely the same: same transposes and vec4 paths, and M, N, K and
 *  batch within the same power of two. */
export function shapeClass(s: MatmulShape): string {
  const lg = (x: number) => Math.ceil(Math.log2(Math.max(1, x)));
  const vec = [(s.transA ? s.M : s.K) % 4 === 0, (s.transB ? s.K : s.N) % 4 === 0, s.N % 4 === 0].map(Number).join('');
  return `${s.transA ? 'T' : 'N'}${s.transB ? 'T' : 'N'}.v${vec}.m${lg(s.M)}n${lg(s.N)}k${lg(s.K)}b${lg(s.batch)}`;
}

interface AdapterPlan {
  /** shape class → winning tile */
  winners: Map<string, TileConfig>;
  /** shape class → a representative shape not tuned yet */
  pending: Map<string, MatmulShape>;
}

const plans = new Map<string, AdapterPlan>();
/** Benchmarks only: one kernel for every product on an adapter, tuned or not. */
const forced = new Map<string, MatmulKernel>();

function planFor(adapter: string): AdapterPlan {
  let p = plans.get(adapter);
  if (!p) plans.set(adapter, (p = { winners: new Map(), pending: new Map() }));
  return p;
}

/** The tile used before tuning: 128 × 64 tiles when that still gives the GPU several workgroups
 *  per compute unit's worth of work, else 64 × 64. */
export function heuristicTile(s: MatmulShape): TileConfig {
  const big = Math.ceil(s.M / DEFAULT_TILE.BM) * Math.ceil(s.N / DEFAULT_TILE.BN) * s.batch;
  return big >= 256 ? DEFAULT_TILE : SMALL_TILE;
}

/** The kernel for this product on this device (recording-time, synchronous). */
export function planMatmul(gpu: Gpu, s: MatmulShape): MatmulKernel {
  const force = forced.get(gpu.info.description);
  if (force) return force;
  if (gpu.info.isCpu) return 'regs';
  const plan = planFor(gpu.info.description);
  const key = shapeClass(s);
  const won = plan.winners.get(key);
  if (won) return won;
  if (!plan.pending.has(key)) plan.pending.set(key, { ...s });
  return heuristicTile(s);
}

/** Shape classes seen on this device and not tuned yet (one representative shape each). */
export function pendingShapes(gpu: Gpu): MatmulShape[] {
  return [...planFor(gpu.info.description).pending.values()];
}

export function setWinner(gpu: Gpu, s: MatmulShape, tile: TileConfig): void {
  const plan = planFor(gpu.info.description);
  const key = shapeClass(s);
  plan.winners.set(key, tile);
  plan.pending.delete(key);
}

/** Benchmarks only: every matmul on this adapter uses `kernel` (null: back to the plan), e.g. to
 *  time a whole training step with an older kernel in the same run. */
export function forceMatmulKernel(gpu: Gpu, kernel: MatmulKernel | null): void {
  if (kernel) forced.set(gpu.info.description, kernel);
  else forced.delete(gpu.info.description);
}

/** Forgets this adapter's winners and pending shapes (benchmarks that tune from scratch). */
export function resetPlans(gpu: Gpu): void {
  plans.delete(gpu.info.description);
}

export interface SavedPlans { version: 1; adapters: Record<string, Record<string, TileConfig>> }

export function exportPlans(): SavedPlans {
  const adapters: SavedPlans['adapters'] = {};
  for (const [a, p] of plans) adapters[a] = Object.fromEntries(p.winners);
  return { version: 1, adapters };
}

/** Adds saved winners (e.g. from exportPlans() in an earlier session); rejects malformed input. */
export function importPlans(saved: unknown): void {
  const s = saved as SavedPlans;
  if (!s || s.version !== 1 || typeof s.adapters !== 'object' || s.adapters === null)
    throw new Error('importPlans: expected { version: 1, adapters: { [adapter]: { [shapeClass]: tile } } }.');
  for (const [adapter, winners] of Object.entries(s.adapters)) {
    const plan = planFor(adapter);
    for (const [key, t] of Object.entries(winners)) {
      const ok = t && ['BM', 'BN', 'BK', 'TM', 'TN'].every((k) => Number.isInteger((t as unknown as Record<string, unknown>)[k])) && typeof t.double === 'boolean';
      if (!ok) throw new Error(`importPlans: the tile for ${adapter} / ${key} is malformed: ${JSON.stringify(t)}.`);
      plan.winners.set(key, { BM: t.BM, BN: t.BN, BK: t.BK, TM: t.TM, TN: t.TN, double: t.double });
      plan.pending.delete(key);
    }
  }
}

export const kernelName = (k: MatmulKernel): string => (typeof k === 'string' ? k : tileName(k));
