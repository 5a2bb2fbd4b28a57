// The page's connection to the trainer worker: starts the worker, wraps it with Comlink, asks it
// for the GPU and the engine, and keeps what that answered (adapter, GPU error, the stages the
// engine runs) plus the built-in corpora's previews as they load (or why one failed). `attempt` turns a failed call into a visible
// message. It holds no run or checkpoint state (run-controller.ts, checkpoints-controller.ts do).
import { type Remote, proxy, wrap } from 'comlink';
import type { AdapterSummary } from '../gpu/device';
import type { StageId } from '../share/settings';
import type { CorpusName } from '../data/corpora';
import type { CorpusPreview } from '../worker/protocol';
import type { TrainerApi } from '../worker/trainer.worker';
import type { Messages } from './messages';

export const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export class TrainerConnection {
  adapter: AdapterSummary | null = null;
  gpuError = '';
  initializing = true;
  /** Stages the connected engine runs; null while no engine is connected. */
  engineStages: StageId[] | null = null;
  /** Built-in corpora read so far, those being read, and why a read failed. */
  readonly corpora = new Map<CorpusName, CorpusPreview>();
  readonly corpusLoading = new Set<CorpusName>();
  readonly corpusErrors = new Map<CorpusName, string>();
  private worker: Worker | null = null;
  private remote: Remote<TrainerApi> | null = null;

  constructor(private readonly messages: Messages, private readonly changed: () => void) {}

  get engineConnected(): boolean { return this.engineStages !== null; }

  get api(): Remote<TrainerApi> {
    if (!this.remote) throw new Error('The trainer worker is not running; reload the page.');
    return this.remote;
  }

  /** The worker, if it runs (for calls that may be dropped when it does not, like cancelling). */
  get maybeApi(): Remote<TrainerApi> | null { return this.remote; }

  /** Starts the worker once; `ready` runs after the GPU and engine answered. */
  open(ready: () => Promise<void>): void {
    if (this.worker) return;
    this.worker = new Worker(new URL('../worker/trainer.worker.ts', import.meta.url), { type: 'module', name: 'tabgpt-trainer' });
    this.worker.addEventListener('error', (e) => {
      this.gpuError = `The trainer could not start (${e.message || 'worker failed to load'}). Reload the page.`;
      this.initializing = false;
      this.changed();
    });
    this.remote = wrap<TrainerApi>(this.worker);
    void this.init().then(ready);
  }

  close(): void {
    this.remote = null;
    this.worker?.terminate();
    this.worker = null;
  }

  private async init(): Promise<void> {
    const r = await this.api.init(proxy((message: string) => this.messages.error(message))).catch((e: unknown) => ({ ok: false as const, error: errorText(e) }));
    if (r.ok) {
      this.adapter = r.adapter;
      this.engineStages = r.engine?.stages ?? null;
    } else {
      this.gpuError = r.error;
    }
    this.initializing = false;
    this.changed();
  }

  /** Runs an action; a failure becomes a visible message instead of an unhandled rejection. */
  async attempt<T>(what: string, fn: () => Promise<T>): Promise<T | undefined> {
    try {
      return await fn();
    } catch (e) {
      this.messages.error(`${what}: ${errorText(e)}`);
      return undefined;
    } finally {
      this.changed();
    }
  }

  /** Reads a built-in corpus's preview once; a failure is kept (shown by the data panel) until asked again. */
  async loadCorpus(name: CorpusName): Promise<void> {
    if (this.corpora.has(name) || this.corpusLoading.has(name)) return;
    this.corpusLoading.add(name);
    this.corpusErrors.delete(name);
    this.changed();
    try {
      this.corpora.set(name, await this.api.corpusPreview(name));
    } catch (e) {
      this.corpusErrors.set(name, errorText(e));
    } finally {
      this.corpusLoading.delete(name);
      this.changed();
    }
  }
}
