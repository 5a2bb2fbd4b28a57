// Serves the built app (dist/) with `vite preview` under a sub-path, which also proves the
// relative base: the same files must work from any path. Tests read the URL with inject('baseUrl').
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { preview } from 'vite';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext { baseUrl: string }
}

const SUB_PATH = '/tabgpt/';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export default async function setup(project: TestProject) {
  if (!existsSync('dist/index.html')) throw new Error('dist/ is missing: run `npx vite build` before the e2e tests (npm run test:e2e does).');
  const port = await freePort();
  const server = await preview({
    configFile: false,
    base: SUB_PATH,
    logLevel: 'warn',
    preview: { host: '127.0.0.1', port, strictPort: true },
  });
  project.provide('baseUrl', `http://127.0.0.1:${port}${SUB_PATH}`);
  return async () => { await new Promise<void>((resolve) => server.httpServer.close(() => resolve())); };
}
