// The trainer worker: owns the GPU device, the training engine (through EngineBridge) and the
// checkpoint store, and exposes them to the page with Comlink. The page imports only the type.
// Progress, sampled text and job progress stream back through proxy()-ed callbacks, batched to
// at most 10 messages a second. This file does not train or sample itself: see engine-bridge.ts.
import { expose, transfer } from 'comlink';
import { Gpu } from '../gpu/gpu';
import type { CheckpointManifest } from '../checkpoint/store';
import { storageEstimate } from '../checkpoint/store';
import { type CorpusName, corpusInfo, loadCorpus } from '../data/corpora';
import { describeModel } from '../share/describe';
import { type CompareResult, type EngineBridge, type LoadedCheckpoint, type PostData, type PreviewTokenInfo, type SampleOptions, type SavedCheckpoint, type StageOptions, createEngine } from './engine-bridge';
import { type ProgressCallback, cancelJob, checkpointStore, runJob } from './checkpoints';
import type { CorpusPreview, InitResult, RunEvent, StorageInfo } from './protocol';
import { Lineage } from './lineage';
import { releaseCallback, throttled } from './throttle';
import { validateCheckpointBytes } from './validate-checkpoint';

/** Autosave period during a run (the loop saves between two steps); one more when a run ends. */
const AUTOSAVE_MS = 5 * 60 * 1000;
const PREVIEW_CHARS = 1500;

let gpu: Gpu | null = null;
let engine: EngineBridge | null = null;
let running = false;
/** Built-in corpora read so far (a failed read is forgotten, so asking again retries it). */
const corpora = new Map<CorpusName, Promise<CorpusPreview>>();
const lineage = new Lineage();

const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

function requireEngine(): EngineBridge {
  if (!engine) {
    throw new Error(gpu
      ? 'The training engine is not connected in this build yet. The GPU check, checkpoints and share links work; training, sampling and loading arrive with the engine.'
      : 'The GPU is not ready, so nothing can be trained. See the adapter panel for why.');
  }
  return engine;
}

/** The list entry of a checkpoint, from what the engine says the bytes hold. */
function checkpointMeta(saved: SavedCheckpoint, name: string, kind: 'manual' | 'auto') {
  return { name, kind, step: saved.step, stage: saved.stage, summary: describeModel(saved.model), parent: lineage.runParent };
}

/** Takes an autosave between two steps and stores it while training goes on; `writes` collects
 *  the store writes so the run's end can wait for them. A failure is reported, never thrown into the run. */
async function autosave(take: () => Promise<SavedCheckpoint>, events: { push(e: RunEvent): void }, writes: Promise<void>[]): Promise<void> {
  const failed = (e: unknown) => events.push({ type: 'autosave-failed', error: errorText(e) });
  let saved: SavedCheckpoint;
  try {
    saved = await take();
  } catch (e) {
    failed(e);
    return;
  }
  writes.push((async () => {
    try {
      const manifest = await (await checkpointStore()).save(saved.bytes, checkpointMeta(saved, `Autosave, step ${saved.step}`, 'auto'));
      lineage.saw(manifest);
      events.push({ type: 'autosaved', manifest });
    } catch (e) {
      failed(e);
    }
  })());
}

const api = {
  /** Acquires the GPU (once) and connects the engine if this build has one. */
  async init(onLost?: (message: string) => void): Promise<InitResult> {
    try {
      if (!gpu) {
        gpu = await Gpu.create();
        engine = createEngine(gpu);
        gpu.onLost((info) => onLost?.(`The GPU device was lost (${info.message || info.reason}). Your last checkpoint is safe; reload the page to continue from it.`));
      }
      return { ok: true, adapter: gpu.info, engine: engine ? { stages: [...engine.stages] } : null };
    } catch (e) {
      return { ok: false, error: errorText(e) };
    }
  },

  async startStage(opts: StageOptions, onEvents: (batch: RunEvent[]) => void): Promise<void> {
    const eng = requireEngine();
    if (running) throw new Error('A run is already in progress; stop it before starting another.');
    running = true;
    lineage.startRun(opts.stage, !!opts.resume);
    const events = throttled<RunEvent>(onEvents);
    const writes: Promise<void>[] = [];
    try {
      // The loop autosaves every AUTOSAVE_MS between two steps, and once when a run that took a step ends.
      await eng.start(opts, (p) => events.push({ type: 'step', ...p }), { everyMs: AUTOSAVE_MS, save: (take) => autosave(take, events, writes) });
    } finally {
      await Promise.all(writes);
      running = false;
      events.flush();
      releaseCallback(onEvents);
    }
  },
  pause(): void { requireEngine().pause(); },
  resume(): void { requireEngine().resume(); },
  stop(): void { requireEngine().stop(); },

  async sample(prompt: string, opts: SampleOptions, onText: (pieces: string[]) => void): Promise<string> {
    const eng = requireEngine();
    const pieces = throttled<string>(onText);
    try {
      return await eng.sample(prompt, opts, (t) => pieces.push(t));
    } finally {
      pieces.flush();
      releaseCallback(onText);
    }
  },

  /** One example of an SFT dataset as tokens, marking those that carry loss. */
  previewChat(data: PostData, index: number): Promise<{ tokens: PreviewTokenInfo[]; examples: number }> {
    return requireEngine().previewChat(data, index);
  },
  score(prompt: string, answer: string): Promise<number> { return requireEngine().score(prompt, answer); },
  /** One prompt through each model this session holds (pretrained, SFT, RL). */
  compare(prompt: string, opts: SampleOptions): Promise<CompareResult> { return requireEngine().compare(prompt, opts); },

  /** Saves the model as it is between two steps; an empty name becomes "Step N". */
  async saveCheckpoint(name: string, jobId: string, onProgress?: ProgressCallback): Promise<CheckpointManifest> {
    const saved = await requireEngine().saveCheckpoint();
    const store = await checkpointStore();
    const manifest = await runJob(jobId, onProgress, (job) => store.save(saved.bytes, checkpointMeta(saved, name || `Step ${saved.step}`, 'manual'), job));
    lineage.saw(manifest);
    return manifest;
  },

  async loadCheckpoint(id: string, jobId: string, onProgress?: ProgressCallback): Promise<LoadedCheckpoint> {
    const eng = requireEngine();
    const store = await checkpointStore();
    const bytes = await runJob(jobId, onProgress, (job) => store.read(id, job));
    const loaded = await eng.loadCheckpoint(bytes);
    lineage.saw(await store.get(id));
    return loaded;
  },

  async listCheckpoints(): Promise<CheckpointManifest[]> {
    return (await checkpointStore()).list();
  },
  async renameCheckpoint(id: string, name: string): Promise<CheckpointManifest> {
    return (await checkpointStore()).rename(id, name);
  },
  async deleteCheckpoint(id: string): Promise<void> {
    await (await checkpointStore()).delete(id);
  },

  /** The verified bytes of a checkpoint, transferred (not copied) to the page for download. */
  async exportCheckpoint(id: string, jobId: string, onProgress?: ProgressCallback): Promise<{ manifest: CheckpointManifest; bytes: Uint8Array }> {
    const store = await checkpointStore();
    const manifest = await store.get(id);
    const bytes = await runJob(jobId, onProgress, (job) => store.read(id, job));
    return transfer({ manifest, bytes }, [bytes.buffer]);
  },

  /** Checks and stores a checkpoint file; the bytes are transferred in from the page. */
  async importCheckpoint(name: string, bytes: Uint8Array, jobId: string, onProgress?: ProgressCallback): Promise<CheckpointManifest> {
    const info = validateCheckpointBytes(bytes);
    const store = await checkpointStore();
    return runJob(jobId, onProgress, (job) => store.save(bytes, { name, kind: 'import', ...info }, job));
  },

  cancelJob(jobId: string): void { cancelJob(jobId); },

  async storageEstimate(): Promise<StorageInfo> { return storageEstimate(); },

  /** The start of a built-in corpus (src/data/corpora.ts), its full length and distinct characters,
   *  for the data panel; the classical texts load on demand, on the first call. */
  corpusPreview(name: string): Promise<CorpusPreview> {
    const info = corpusInfo(name); // an unknown name throws its readable message
    let preview = corpora.get(info.name);
    if (!preview) {
      preview = loadCorpus(info.name).then((text) => ({ name: info.name, preview: text.slice(0, PREVIEW_CHARS), chars: text.length, distinctChars: new Set(text).size }));
      corpora.set(info.name, preview);
      preview.catch(() => corpora.delete(info.name));
    }
    return preview;
  },
};

export type TrainerApi = typeof api;
expose(api);
