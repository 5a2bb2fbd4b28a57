// Styles shared by the panels. Colours come from the custom properties set in index.html
// (light and dark), so every component follows the page theme.
import { css } from 'lit';

export const panelStyles = css`
  :host { display: block; min-width: 0; }
  * { box-sizing: border-box; }
  .panel {
    background: var(--tg-card); border: 1px solid var(--tg-border); border-radius: var(--tg-radius);
    padding: 1rem; height: 100%;
  }
  h2 { font-size: 1.05rem; margin: 0 0 0.75rem; display: flex; gap: 0.5rem; align-items: baseline; flex-wrap: wrap; }
  h2 small, .muted { color: var(--tg-muted); font-weight: normal; font-size: 0.85rem; }
  p { margin: 0.4rem 0; }
  .fields { display: grid; grid-template-columns: repeat(auto-fill, minmax(8.5rem, 1fr)); gap: 0.6rem 0.75rem; }
  label.field { display: flex; flex-direction: column; gap: 0.2rem; font-size: 0.85rem; color: var(--tg-muted); }
  label.check { display: flex; gap: 0.4rem; align-items: center; font-size: 0.9rem; }
  input, select, textarea, button { font: inherit; color: inherit; }
  input:not([type='checkbox']):not([type='radio']):not([type='file']), select, textarea {
    background: var(--tg-bg); border: 1px solid var(--tg-border); border-radius: 6px; padding: 0.4rem 0.5rem;
    width: 100%; min-width: 0; color: var(--tg-fg);
  }
  input:invalid, input[aria-invalid='true'] { border-color: var(--tg-error); }
  textarea { resize: vertical; font-family: var(--tg-mono); font-size: 0.85rem; }
  button {
    background: var(--tg-bg); border: 1px solid var(--tg-border); border-radius: 6px;
    padding: 0.4rem 0.8rem; cursor: pointer; min-height: 2.25rem;
  }
  button.primary { background: var(--tg-accent); color: var(--tg-accent-fg); border-color: var(--tg-accent); font-weight: 600; }
  button.danger { color: var(--tg-error); }
  button:disabled { opacity: 0.55; cursor: not-allowed; }
  :is(button, input, select, textarea, a, [tabindex]):focus-visible { outline: 3px solid var(--tg-focus); outline-offset: 2px; }
  .row { display: flex; gap: 0.5rem; flex-wrap: wrap; align-items: center; }
  .error { color: var(--tg-error); }
  .stat { font-variant-numeric: tabular-nums; }
  pre.text {
    font-family: var(--tg-mono); font-size: 0.82rem; white-space: pre-wrap; word-break: break-word;
    background: var(--tg-bg); border: 1px solid var(--tg-border); border-radius: 6px; padding: 0.6rem;
    max-height: 16rem; overflow: auto; margin: 0.5rem 0 0;
  }
  .badge {
    display: inline-block; border-radius: 999px; padding: 0.05rem 0.55rem; font-size: 0.78rem;
    border: 1px solid var(--tg-border); color: var(--tg-muted); font-weight: normal;
  }
  .badge.warn { border-color: var(--tg-warn); color: var(--tg-warn); }
  .badge.ok { border-color: var(--tg-ok); color: var(--tg-ok); }
  .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`;
