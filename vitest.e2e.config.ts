import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './tests/e2e/chromium.ts';

// End-to-end tests in a real Chromium (run after `vite build`; see the test:e2e script):
//  browser  components and the IndexedDB checkpoint store, in Vitest's browser mode
//  e2e      the BUILT app served by `vite preview`, driven by playwright-core
// Files run one at a time: each launches Chromium, and the machine has two cores.
export default defineConfig({
  test: {
    fileParallelism: false,
    projects: [
      {
        test: {
          name: 'browser',
          include: ['tests/e2e/browser/**/*.test.ts'],
          testTimeout: 60_000,
          browser: {
            enabled: true,
            headless: true,
            provider: playwright({ launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS } }),
            instances: [{ browser: 'chromium' }],
            screenshotDirectory: 'test-results/browser-failures',
          },
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/app/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['tests/e2e/app/serve.ts'],
          testTimeout: 90_000,
          hookTimeout: 90_000,
        },
      },
    ],
  },
});
