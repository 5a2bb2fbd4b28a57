// Node-only: a GPU object from the `webgpu` package (Dawn), on SwiftShader (Vulkan) or on Mesa's
// llvmpipe (OpenGL ES, compatibility). Never imported by the browser bundle.
import { Gpu } from './gpu';

export type NodeAdapter = 'swiftshader' | 'llvmpipe' | 'default';

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

export async function createNodeGpu(adapter: NodeAdapter = (process.env.TABGPT_ADAPTER as NodeAdapter) || 'swiftshader'): Promise<Gpu> {
  const { existsSync } = await import('node:fs');
  if (adapter === 'swiftshader' && !process.env.VK_ICD_FILENAMES) {
    if (!existsSync(SWIFTSHADER_ICD))
      throw new Error(`No SwiftShader Vulkan driver at ${SWIFTSHADER_ICD}. Install Debian's chromium and libvulkan1 (apt-get install chromium libvulkan1), or set VK_ICD_FILENAMES.`);
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  }
  if (adapter === 'llvmpipe') process.env.EGL_PLATFORM ??= 'surfaceless';
  const webgpu = await import('webgpu');
  Object.assign(globalThis, webgpu.globals);
  const gpu = webgpu.create(adapter === 'llvmpipe' ? ['backend=opengles'] : []);
  // Dawn crashes if this object is garbage-collected while WebGPU is in use: keep it alive.
  (globalThis as { __tabgptDawn?: unknown }).__tabgptDawn = gpu;
  return Gpu.create({ gpu, featureLevel: adapter === 'llvmpipe' ? 'compatibility' : 'core' });
}
