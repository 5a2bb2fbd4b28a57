// Node-only: a GPU object from the `webgpu` package (Dawn), on a hardware adapter when the machine
// has one, or on a software one: SwiftShader (Vulkan, core) or Mesa's llvmpipe (OpenGL ES,
// compatibility). Never imported by the browser bundle.
// Dawn's native code may still log harmless "Warning:" lines to stderr that JS cannot filter: the
// hardware probe of 'auto' finding no usable Vulkan device, and llvmpipe's reduced dynamic-offset
// limits. The libwayland XDG_RUNTIME_DIR errors are avoided (node-runtime-dir.ts).
import { Gpu } from './gpu';
import { ensureRuntimeDir } from './node-runtime-dir';

/** 'auto': a hardware Vulkan adapter if there is one, else llvmpipe (the faster software adapter
 *  here), else SwiftShader. */
export type NodeAdapter = 'auto' | 'swiftshader' | 'llvmpipe' | 'default';

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

type Dawn = typeof import('webgpu');

async function loadDawn(): Promise<Dawn> {
  ensureRuntimeDir();
  const webgpu = await import('webgpu');
  Object.assign(globalThis, webgpu.globals);
  return webgpu;
}

/** Dawn crashes if its GPU object is garbage-collected while WebGPU is in use: keep it alive. */
function keep(gpu: GPU): GPU {
  const g = globalThis as { __tabgptDawn?: GPU[] };
  (g.__tabgptDawn ??= []).push(gpu);
  return gpu;
}

async function software(webgpu: Dawn, which: 'swiftshader' | 'llvmpipe'): Promise<Gpu> {
  if (which === 'swiftshader' && !process.env.VK_ICD_FILENAMES) {
    const { existsSync } = await import('node:fs');
    if (!existsSync(SWIFTSHADER_ICD))
      throw new Error(`No SwiftShader Vulkan driver at ${SWIFTSHADER_ICD}. Install Debian's chromium and libvulkan1 (apt-get install chromium libvulkan1), or set VK_ICD_FILENAMES.`);
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  }
  if (which === 'llvmpipe') process.env.EGL_PLATFORM ??= 'surfaceless';
  const gpu = keep(webgpu.create(which === 'llvmpipe' ? ['backend=opengles'] : []));
  return Gpu.create({ gpu, featureLevel: which === 'llvmpipe' ? 'compatibility' : 'core' });
}

export async function createNodeGpu(adapter: NodeAdapter = (process.env.TABGPT_ADAPTER as NodeAdapter) || 'swiftshader'): Promise<Gpu> {
  const webgpu = await loadDawn();
  if (adapter === 'swiftshader' || adapter === 'llvmpipe') return software(webgpu, adapter);
  if (adapter === 'default') return Gpu.create({ gpu: keep(webgpu.create([])) });
  // auto: hardware first (the system's Vulkan drivers), then the software adapters.
  try {
    const gpu = await Gpu.create({ gpu: keep(webgpu.create([])) });
    if (!gpu.info.isCpu) return gpu;
    gpu.destroy();
  } catch { /* no hardware adapter: fall through */ }
  try {
    return await software(webgpu, 'llvmpipe');
  } catch {
    return software(webgpu, 'swiftshader');
  }
}

/** The Dawn GPU object of the most recent createNodeGpu (a peer such as TF.js uses the same one). */
export function nodeDawn(): GPU | undefined {
  const list = (globalThis as { __tabgptDawn?: GPU[] }).__tabgptDawn;
  return list?.[list.length - 1];
}
