import { defineConfig } from 'vitest/config';

// Three projects:
//  unit            plain Node, no GPU
//  gpu-swiftshader kernels and model on Dawn + SwiftShader (Vulkan, core features)
//  gpu-llvmpipe    kernels on Dawn + Mesa llvmpipe (OpenGL ES, compatibility mode)
// GPU tests fail when no adapter can be had; they never skip.
const gpuProject = (adapter: string, include: string[]) => ({
  test: {
    name: `gpu-${adapter}`,
    include,
    environment: 'node',
    pool: 'forks' as const,
    env: { TABGPT_ADAPTER: adapter },
    testTimeout: 300_000,
    hookTimeout: 120_000,
  },
});

export default defineConfig({
  test: {
    maxWorkers: 2,
    projects: [
      { test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], environment: 'node', testTimeout: 60_000 } },
      gpuProject('swiftshader', ['tests/kernels/**/*.test.ts', 'tests/model/**/*.test.ts']),
      gpuProject('llvmpipe', ['tests/kernels/**/*.test.ts']),
    ],
  },
});
