import { defineConfig } from 'vitest/config';

// Three projects:
//  unit            plain Node, no GPU
//  gpu-swiftshader kernels and model on Dawn + SwiftShader (Vulkan, core features)
//  gpu-llvmpipe    kernels and long training runs on Dawn + Mesa llvmpipe (OpenGL ES, compatibility)
// GPU tests fail when no adapter can be had; they never skip.
const gpuProject = (adapter: string, include: string[], exclude: string[] = []) => ({
  test: {
    name: `gpu-${adapter}`,
    include,
    exclude,
    environment: 'node',
    pool: 'forks' as const,
    env: { TABGPT_ADAPTER: adapter },
    testTimeout: 900_000,
    hookTimeout: 120_000,
  },
});

// End-to-end training runs (hundreds of steps): the learning test and the per-stage *-e2e tests.
const LONG_RUNS = ['tests/model/learning*.test.ts', 'tests/model/*-e2e.test.ts'];

export default defineConfig({
  test: {
    maxWorkers: 2,
    projects: [
      { test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], environment: 'node', testTimeout: 60_000 } },
      // Long training runs go to llvmpipe, the faster software adapter here (3-5x).
      gpuProject('swiftshader', ['tests/kernels/**/*.test.ts', 'tests/model/**/*.test.ts'], LONG_RUNS),
      gpuProject('llvmpipe', ['tests/kernels/**/*.test.ts', 'tests/model/rl-kernels.test.ts', 'tests/model/hf-*.test.ts', ...LONG_RUNS]),
    ],
  },
});
