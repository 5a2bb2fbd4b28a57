// The workgroup-tiled matmul family for real GPUs: one tile configuration = one generated kernel
// (matmul-tile-codegen.ts). Here: the configuration type, its name, the derived geometry, whether an
// adapter can run it, and the lists of configurations that the autotuner tries and that the GPU
// bench sweeps. It does not choose among them (matmul-plan.ts, matmul-tune.ts do).
//
// A workgroup computes a BM × BN tile of C; its (BM/TM) · (BN/TN) invocations each own TM rows ×
// TN columns (TM/4 row quads and TN/4 column quads, strided across the tile so that neighbouring
// invocations read neighbouring workgroup-memory vec4s). K advances by BK per tile of op(A)
// (BM × BK) and op(B) (BK × BN) staged in workgroup memory. `double`: two workgroup buffers, the
// next tile prefetched into registers while the current one is multiplied (one barrier per tile).

export interface TileConfig {
  BM: number;
  BN: number;
  BK: number;
  TM: number;
  TN: number;
  double: boolean;
}

export interface TileGeometry {
  /** Invocations along columns (BN/TN) and rows (BM/TM). */
  WX: number;
  WY: number;
  threads: number;
  /** vec4 loads of op(A) and op(B) per invocation per K tile. */
  loadsA: number;
  loadsB: number;
  /** Workgroup memory in bytes, both buffers when double-buffered. */
  sharedBytes: number;
}

export const tileName = (c: TileConfig): string => `${c.BM}x${c.BN}x${c.BK}-t${c.TM}x${c.TN}${c.double ? '-db' : ''}`;

export function tileGeometry(c: TileConfig): TileGeometry {
  const WX = c.BN / c.TN, WY = c.BM / c.TM, threads = WX * WY;
  return {
    WX, WY, threads,
    loadsA: (c.BM * c.BK) / 4 / threads,
    loadsB: (c.BN * c.BK) / 4 / threads,
    sharedBytes: (c.BM + c.BN) * c.BK * 4 * (c.double ? 2 : 1),
  };
}

/** Why this configuration cannot run on a device with these limits, or null when it can. */
export function tileProblem(c: TileConfig, limits: Pick<GPUSupportedLimits, 'maxComputeInvocationsPerWorkgroup' | 'maxComputeWorkgroupStorageSize' | 'maxComputeWorkgroupSizeX'>): string | null {
  for (const k of ['BM', 'BN', 'BK', 'TM', 'TN'] as const)
    if (!Number.isInteger(c[k]) || c[k] < 4 || c[k] % 4 !== 0) return `${k} must be a positive multiple of 4, got ${c[k]}`;
  if (c.BM % c.TM !== 0 || c.BN % c.TN !== 0) return `the tile (${c.BM}×${c.BN}) must be a multiple of the invocation block (${c.TM}×${c.TN})`;
  const g = tileGeometry(c);
  if (!Number.isInteger(g.loadsA) || !Number.isInteger(g.loadsB) || g.loadsA < 1 || g.loadsB < 1)
    return `${g.threads} invocations cannot share the ${c.BM}×${c.BK} and ${c.BK}×${c.BN} tiles evenly in vec4s`;
  if (g.threads > limits.maxComputeInvocationsPerWorkgroup || g.threads > limits.maxComputeWorkgroupSizeX)
    return `${g.threads} invocations per workgroup exceed this device's ${Math.min(limits.maxComputeInvocationsPerWorkgroup, limits.maxComputeWorkgroupSizeX)}`;
  if (g.sharedBytes > limits.maxComputeWorkgroupStorageSize)
    return `${g.sharedBytes} bytes of workgroup memory exceed this device's ${limits.maxComputeWorkgroupStorageSize}`;
  return null;
}

const cfg = (BM: number, BN: number, BK: number, TM: number, TN: number, double: boolean): TileConfig => ({ BM, BN, BK, TM, TN, double });

/** What matmul uses on a GPU before (or without) tuning: 8×8 per invocation, 128 × 64 tiles. */
export const DEFAULT_TILE: TileConfig = cfg(128, 64, 16, 8, 8, true);
/** For outputs too small to fill a large GPU with 128-row tiles. */
export const SMALL_TILE: TileConfig = cfg(64, 64, 16, 4, 4, true);

/** What the autotuner times, per shape class (a handful: tuning must take seconds, not minutes). */
export const TUNE_CANDIDATES: TileConfig[] = [
  DEFAULT_TILE,
  cfg(128, 128, 16, 8, 8, true),
  cfg(128, 128, 8, 8, 8, true),
  cfg(64, 128, 16, 8, 8, true),
  cfg(64, 64, 16, 8, 8, true),
  SMALL_TILE,
  // Many small tiles, for products with a small output and a long K (a 768 × 768 weight gradient).
  cfg(32, 64, 16, 4, 4, true),
];

/** What the GPU bench sweeps: the candidates plus single-buffered, deeper-K and wider variants. */
export const SWEEP_CONFIGS: TileConfig[] = [
  ...TUNE_CANDIDATES,
  cfg(64, 64, 16, 4, 4, false),
  cfg(128, 64, 16, 8, 8, false),
  cfg(128, 128, 16, 8, 8, false),
  cfg(128, 64, 32, 8, 8, true),
  cfg(128, 128, 32, 8, 8, false),
  cfg(128, 128, 16, 8, 4, true),
  cfg(64, 128, 16, 4, 8, true),
  cfg(256, 64, 16, 8, 8, true),
  cfg(64, 256, 16, 8, 8, true),
  cfg(128, 256, 8, 8, 16, true),
  cfg(256, 128, 8, 16, 8, true),
];
