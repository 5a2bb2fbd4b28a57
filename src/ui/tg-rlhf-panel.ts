// <tg-rlhf-panel>: the RLHF stage: the SFT model it starts from, the method (PPO, GRPO, DPO), the
// reward source (the built-in tasks' grader, or the reward model trained in the Reward tab), a few
// settings, Start / Pause / Stop, the step's numbers (reward, KL, losses, clip fraction, response length)
// and a table of the newest graded rollouts. All text is bound as text, never as HTML.
// It holds no run state: the TrainerController's run does; the charts are <tg-rl-chart> and <tg-loss-chart>.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { Settings } from '../share/settings';
import type { RlOptions } from '../worker/engine-bridge';
import { panelStyles } from './styles';
import type { TrainerController } from './trainer-controller';
import { UseTrainer } from './trainer-context';
import './tg-progress';

type Key = 'steps' | 'lr' | 'klCoef' | 'promptsPerStep' | 'groupSize' | 'maxNewTokens';
interface Field { label: string; min: number; max: number; int: boolean; value: number }

const FIELDS: Record<Key, Field> = {
  steps: { label: 'Steps', min: 1, max: 100_000, int: true, value: 50 },
  lr: { label: 'Learning rate', min: 1e-7, max: 1, int: false, value: 1e-4 },
  klCoef: { label: 'β (KL / DPO)', min: 0, max: 100, int: false, value: 0.05 },
  promptsPerStep: { label: 'Prompts per step', min: 1, max: 256, int: true, value: 8 },
  groupSize: { label: 'Group size (GRPO)', min: 2, max: 64, int: true, value: 4 },
  maxNewTokens: { label: 'Response tokens', min: 1, max: 256, int: true, value: 8 },
};
const METHODS = ['grpo', 'ppo', 'dpo'] as const;

const num = (x: number | undefined, d = 3) => (x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(d));
const pct = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '–' : `${(100 * x).toFixed(1)}%`);

@customElement('tg-rlhf-panel')
export class TgRlhfPanel extends LitElement {
  static override styles = [panelStyles, css`
    .controls { margin-top: 1rem; }
    fieldset { border: 1px solid var(--tg-border); border-radius: 6px; margin: 0 0 0.75rem; padding: 0.4rem 0.75rem; }
    .metrics { display: flex; gap: 1.25rem; flex-wrap: wrap; margin-top: 0.75rem; }
    .metrics b { font-variant-numeric: tabular-nums; }
    .table { overflow-x: auto; margin-top: 0.75rem; }
    table { border-collapse: collapse; width: 100%; font-size: 0.85rem; }
    th, td { text-align: left; border-bottom: 1px solid var(--tg-border); padding: 0.25rem 0.5rem; vertical-align: top; }
    td.text { font-family: var(--tg-mono); white-space: pre-wrap; word-break: break-word; }
    td.n { font-variant-numeric: tabular-nums; }
  `];

  @property({ attribute: false }) settings!: Settings;
  @state() private method: RlOptions['method'] = 'grpo';
  @state() private reward: RlOptions['reward'] = 'grader';
  @state() private draft: Record<Key, string> = Object.fromEntries(Object.entries(FIELDS).map(([k, f]) => [k, String(f.value)])) as Record<Key, string>;
  private trainer = new UseTrainer(this);

  private values(): { values: Record<Key, number>; problem: string } {
    const values = {} as Record<Key, number>;
    for (const k of Object.keys(FIELDS) as Key[]) {
      const f = FIELDS[k], v = Number(this.draft[k]);
      if (this.draft[k].trim() === '' || !Number.isFinite(v) || v < f.min || v > f.max || (f.int && !Number.isInteger(v)))
        return { values, problem: `${f.label} must be ${f.int ? 'a whole number' : 'a number'} from ${f.min} to ${f.max}.` };
      values[k] = v;
    }
    return { values, problem: '' };
  }

  override render() {
    const t = this.trainer.value;
    const mine = t?.run.runStage === 'rlhf';
    const busy = t?.run.busy ?? false;
    const { problem } = this.values();
    const needsModel = this.reward === 'model' && this.method !== 'dpo' && !t?.run.rewardReady;
    const reasons = [problem, t?.run.sftModel ? '' : 'an SFT model (run SFT first).', needsModel ? 'a reward model (train one in the Reward tab), or the task grader.' : ''].filter(Boolean);
    const canStart = !!t && !busy && reasons.length === 0;
    const radio = <V extends string>(name: string, value: V, current: V, label: string, set: (v: V) => void, disabled = false) => html`<label class="check">
      <input type="radio" name=${name} value=${value} .checked=${current === value} ?disabled=${busy || disabled} @change=${() => set(value)}> ${label}</label>`;
    return html`
      <section class="panel" aria-labelledby="rlhf-h">
        <h2 id="rlhf-h">Reinforcement learning</h2>
        <p data-testid="rlhf-base">${t?.run.sftModel ? html`Starts from ${t.run.sftModel}.` : html`<span class="muted">Needs an SFT model (run SFT first).</span>`}</p>
        <fieldset><legend>Method</legend><div class="row">
          ${METHODS.map((m) => radio('rl-method', m, this.method, m.toUpperCase(), (v) => { this.method = v; }))}
        </div></fieldset>
        <fieldset><legend>Reward</legend><div class="row">
          ${radio('rl-reward', 'grader', this.reward, 'Task grader (exact answer)', (v) => { this.reward = v; })}
          ${radio('rl-reward', 'model', this.reward, 'Reward model from the Reward tab', (v) => { this.reward = v; }, !t?.run.rewardReady)}
        </div>${this.method === 'dpo' ? html`<p class="muted">DPO learns from the tasks' preference pairs, not from a reward.</p>` : nothing}</fieldset>
        <div class="fields">
          ${(Object.keys(FIELDS) as Key[]).map((k) => html`<label class="field">${FIELDS[k].label}
            <input name=${`rl-${k}`} inputmode="decimal" .value=${this.draft[k]} ?disabled=${busy}
              @input=${(e: Event) => { this.draft = { ...this.draft, [k]: (e.target as HTMLInputElement).value }; }}></label>`)}
        </div>
        <div class="controls row">
          <button class="primary" data-testid="rlhf-start" ?disabled=${!canStart} @click=${this.start}>Start ${this.method.toUpperCase()}</button>
          ${t?.run.runState === 'paused' && mine
            ? html`<button data-testid="rlhf-resume" @click=${() => t.run.resume()}>Resume</button>`
            : html`<button data-testid="rlhf-pause" ?disabled=${!mine || t?.run.runState !== 'running'} @click=${() => t?.run.pause()}>Pause</button>`}
          <button data-testid="rlhf-stop" ?disabled=${!busy || !mine || t?.run.runState === 'stopping'} @click=${() => t?.run.stop()}>Stop</button>
          <button ?disabled=${!mine || !t?.connection.engineConnected} @click=${() => void t?.checkpoints.save('')}>Save checkpoint</button>
        </div>
        ${reasons.length && !busy ? html`<p class="muted">Start needs: ${reasons.join(' ')}</p>` : nothing}
        ${t && mine && t.run.totalSteps > 0 && (busy || t.run.step > 0) ? html`<tg-progress data-testid="rlhf-progress" data-step=${t.run.step}
          label=${`Step ${t.run.step} of ${t.run.totalSteps}`} .value=${t.run.step} .max=${t.run.totalSteps} detail=${this.detail(t)}></tg-progress>` : nothing}
        ${mine && t ? this.metrics(t) : nothing}
      </section>
    `;
  }

  private metrics(t: TrainerController) {
    const m = t.run.postMetrics;
    return html`
      <div class="metrics">
        <span>Mean reward: <b data-testid="rl-reward">${num(m.meanReward)}</b></span>
        <span>KL: <b data-testid="rl-kl">${num(m.kl)}</b></span>
        <span>Policy loss: <b data-testid="rl-policy-loss">${num(m.policyLoss, 4)}</b></span>
        <span>Value loss: <b>${num(m.valueLoss, 4)}</b></span>
        <span>Clipped: <b>${pct(m.clipFrac)}</b></span>
        <span>Response length: <b data-testid="rl-length">${num(m.responseLength, 1)}</b></span>
        ${m.accuracy !== undefined ? html`<span>Pair accuracy: <b>${pct(m.accuracy)}</b></span>` : nothing}
      </div>
      ${t.run.rollouts.length ? html`<div class="table"><table data-testid="rollouts">
        <caption class="muted">Newest scored rollouts (KL: Σ log π − log π_ref over each response)</caption>
        <thead><tr><th>Prompt</th><th>Response</th><th>Reward</th><th>KL</th></tr></thead>
        <tbody>${t.run.rollouts.map((r) => html`<tr><td class="text">${r.prompt}</td><td class="text">${r.response}</td><td class="n">${num(r.reward, 2)}</td><td class="n">${num(r.kl)}</td></tr>`)}</tbody>
      </table></div>` : m.meanReward !== undefined ? html`<p class="muted">DPO learns from fixed preference pairs: it has no rollouts to list.</p>` : nothing}`;
  }

  private detail(t: TrainerController): string {
    if (t.run.runState === 'paused') return t.run.phase === 'paused' ? 'paused' : 'pausing after this step…';
    return t.run.busy ? t.run.phase : t.run.lastEnd === 'done' ? 'finished' : t.run.lastEnd;
  }

  private start = () => {
    const t = this.trainer.value;
    const { values, problem } = this.values();
    if (!t || problem) return;
    const rl: RlOptions = { method: this.method, reward: this.reward, ...values, seed: this.settings.train.seed };
    void t.run.start({ ...this.settings, stage: 'rlhf' }, false, undefined, rl);
  };
}

declare global {
  interface HTMLElementTagNameMap { 'tg-rlhf-panel': TgRlhfPanel }
}
