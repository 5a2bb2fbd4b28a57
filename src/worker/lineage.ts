// Which model a run was trained from, for the checkpoint list's lineage (pretrain → SFT →
// reward / RLHF). The worker tells it about every checkpoint it saves or loads and every run it
// starts; it answers the parent a new checkpoint records. It stores nothing itself.
import type { CheckpointManifest, CheckpointParent } from '../checkpoint/store';

/** The stage whose model a run of `stage` starts from (pretraining continues its own). */
const STARTS_FROM: Record<string, string> = { sft: 'pretrain', reward: 'sft', rlhf: 'sft', rl: 'sft' };

export class Lineage {
  /** The newest checkpoint of each stage this tab saved or loaded. */
  private readonly newest = new Map<string, CheckpointParent>();
  private parent: CheckpointParent | undefined;

  /** A run starts: a fresh pretraining run has no parent; a continued one, or a later stage,
   *  descends from the newest checkpoint of the stage it starts from. */
  startRun(stage: string, resume: boolean): void {
    const from = stage === 'pretrain' ? (resume ? 'pretrain' : undefined) : STARTS_FROM[stage];
    this.parent = from === undefined ? undefined : this.newest.get(from);
  }

  /** The parent to record for a checkpoint of the current (or last) run. */
  get runParent(): CheckpointParent | undefined { return this.parent; }

  /** A checkpoint was saved or loaded: later runs of the stages after it descend from it. */
  saw(m: Pick<CheckpointManifest, 'id' | 'name' | 'stage' | 'step'>): void {
    const stage = m.stage === 'rl' ? 'rlhf' : m.stage;
    this.newest.set(stage, { id: m.id, name: m.name, stage: m.stage, step: m.step });
  }
}
