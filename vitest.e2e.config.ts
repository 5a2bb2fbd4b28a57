import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './tests/e2e/chromium.ts';

// End-to-end tests in a real Chromium (run after `vite build`; see the test:e2e script):
//  browser        components and the IndexedDB checkpoint store, in Vitest's browser mode
//  browser-quota  the store under a tiny storage quota, in a browser of its own (Chromium reads
//                 an origin's quota once, when IndexedDB is first used)
//  e2e            the BUILT app served by `vite preview`, driven by playwright-core
// Files run one at a time: each launches Chromium, and the machine has two cores.
const QUOTA_TEST = 'tests/e2e/browser/store-quota.test.ts';

const browserProject = (name: string, include: string[], exclude: string[] = []) => ({
  test: {
    name,
    include,
    exclude,
    testTimeout: 300_000,
    expect: { poll: { timeout: 120_000 } },
    browser: {
      enabled: true,
      headless: true,
      provider: playwright({ launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS } }),
      instances: [{ browser: 'chromium' as const }],
      screenshotDirectory: 'test-results/browser-failures',
    },
  },
});

export default defineConfig({
  // Pre-bundled up front: discovering a dependency mid-run reloads the browser-mode page.
  optimizeDeps: { include: ['lit', 'lit/decorators.js', 'lit/directives/live.js', '@lit/context', 'uplot', 'comlink', 'idb'] },
  test: {
    fileParallelism: false,
    projects: [
      browserProject('browser', ['tests/e2e/browser/**/*.test.ts'], [QUOTA_TEST]),
      browserProject('browser-quota', [QUOTA_TEST]),
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/app/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['tests/e2e/app/serve.ts'],
          // Bounds, not expectations: every wait ends on its event, and a busy machine (CI under
          // load, npm run test:stress) may take many times longer than an idle one.
          testTimeout: 600_000,
          hookTimeout: 120_000,
          // UI state follows work in a worker: on a busy machine 1 s (Vitest's default) is too short.
          expect: { poll: { timeout: 120_000 } },
        },
      },
    ],
  },
});
