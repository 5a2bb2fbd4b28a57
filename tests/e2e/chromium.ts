// How the end-to-end tests launch Chromium here: the Debian build (never a downloaded one), with
// WebGPU on (SwiftShader on a GPU-less machine) and every background network feature off, since
// this machine has no way out. See /work/shared/WEBGPU-ON-CPU.md.

export const CHROMIUM_PATH = process.env.TABGPT_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--disable-default-apps',
  '--no-default-browser-check',
];
