import { deflateSync } from 'node:zlib';
import { type Plugin, defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

// The app builds to static files that work from any path (relative base) and offline: the
// service worker precaches every file of the build. Shaders are inlined with ?raw, so the
// precache list is simply "everything in dist". A new version waits for the user (prompt).

const THEME = '#312e81';

export default defineConfig({
  base: './',
  worker: { format: 'es' },
  build: { target: 'es2022' },
  plugins: [
    iconsPlugin(),
    VitePWA({
      registerType: 'prompt',
      includeManifestIcons: false,
      injectRegister: false,
      manifest: {
        name: 'TabGPT',
        short_name: 'TabGPT',
        description: 'Train small GPT language models on your own GPU, entirely in a browser tab.',
        start_url: './',
        scope: './',
        display: 'standalone',
        background_color: '#f6f7fb',
        theme_color: THEME,
        icons: [
          { src: 'icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: 'icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: 'icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
          { src: 'icon.svg', sizes: 'any', type: 'image/svg+xml' },
        ],
      },
      workbox: {
        globPatterns: ['**/*.{js,css,html,svg,png,wasm,txt,json,bin}'],
        // Generated corpora and tokenizer vocabularies can be large; they must still work offline.
        maximumFileSizeToCacheInBytes: 64 * 1024 * 1024,
        navigateFallback: 'index.html',
        cleanupOutdatedCaches: true,
      },
    }),
  ],
});

// PWA icons, drawn here so no binary files live in the repository: a rounded indigo square with
// a falling "loss curve" of bars (the same picture as public/icon.svg). Served by the dev server
// and emitted into the build.
function iconsPlugin(): Plugin {
  const icons: Record<string, () => Uint8Array> = {
    'icon-192.png': () => drawIcon(192, false),
    'icon-512.png': () => drawIcon(512, false),
    'icon-maskable-512.png': () => drawIcon(512, true),
  };
  return {
    name: 'tabgpt-icons',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const make = icons[(req.url ?? '').split('?')[0].split('/').pop() ?? ''];
        if (!make) return next();
        res.setHeader('Content-Type', 'image/png');
        res.end(make());
      });
    },
    generateBundle() {
      for (const [fileName, make] of Object.entries(icons)) this.emitFile({ type: 'asset', fileName, source: make() });
    },
  };
}

/** Renders the icon at `size` px with 4×4 supersampling; `fullBleed` fills the square (maskable). */
function drawIcon(size: number, fullBleed: boolean): Uint8Array {
  const bg = [0x31, 0x2e, 0x81];
  const bar = [0xff, 0xff, 0xff];
  const last = [0xf5, 0x9e, 0x0b];
  // Bars in units of the icon size: x from 0.24 to 0.76, bottoms on 0.74; maskable art sits in the safe zone.
  const k = fullBleed ? 0.8 : 1;
  const heights = [0.5, 0.38, 0.3, 0.25, 0.22];
  const inRound = (x: number, y: number, x0: number, y0: number, x1: number, y1: number, r: number) => {
    if (x < x0 || x > x1 || y < y0 || y > y1) return false;
    const cx = Math.min(Math.max(x, x0 + r), x1 - r);
    const cy = Math.min(Math.max(y, y0 + r), y1 - r);
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
  };
  const sample = (u: number, v: number): number[] | null => {
    if (!fullBleed && !inRound(u, v, 0, 0, 1, 1, 0.2)) return null;
    const x = 0.5 + (u - 0.5) / k;
    const y = 0.5 + (v - 0.5) / k;
    for (let i = 0; i < heights.length; i++) {
      const x0 = 0.24 + i * 0.108;
      if (inRound(x, y, x0, 0.74 - heights[i], x0 + 0.085, 0.74, 0.02)) return i === heights.length - 1 ? last : bar;
    }
    return bg;
  };
  const SS = 4;
  const rows: Uint8Array[] = [];
  for (let py = 0; py < size; py++) {
    const row = new Uint8Array(1 + size * 4); // leading 0: PNG filter "none"
    for (let px = 0; px < size; px++) {
      const acc = [0, 0, 0, 0];
      for (let sy = 0; sy < SS; sy++) for (let sx = 0; sx < SS; sx++) {
        const c = sample((px + (sx + 0.5) / SS) / size, (py + (sy + 0.5) / SS) / size);
        if (!c) continue;
        acc[0] += c[0]; acc[1] += c[1]; acc[2] += c[2]; acc[3] += 255;
      }
      const n = SS * SS;
      const covered = acc[3] / 255;
      for (let ch = 0; ch < 3; ch++) row[1 + px * 4 + ch] = covered ? Math.round(acc[ch] / covered) : 0;
      row[1 + px * 4 + 3] = Math.round(acc[3] / n);
    }
    rows.push(row);
  }
  return encodePng(size, size, Buffer.concat(rows));
}

function encodePng(width: number, height: number, scanlines: Uint8Array): Uint8Array {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let i = 0; i < 8; i++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf: Uint8Array) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Uint8Array) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc(body), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr), chunk('IDAT', deflateSync(scanlines)), chunk('IEND', new Uint8Array(0)),
  ]);
}
