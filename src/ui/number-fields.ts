// Number inputs driven by the share schema's specs, shared by the training and sampling panels:
// the browser's min/max/step hints come from the same table that validates share links.
import { html, nothing } from 'lit';
import { type FieldSpec, parseValue } from '../share/schema';

export function numberField(name: string, label: string, spec: FieldSpec, value: string, disabled: boolean, onInput: (raw: string) => void, hint = '') {
  if (spec.kind !== 'int' && spec.kind !== 'num') return nothing;
  return html`<label class="field" title=${hint}>${label}
    <input type="number" name=${name} min=${spec.min} max=${spec.max} step=${spec.kind === 'int' ? '1' : 'any'}
      inputmode=${spec.kind === 'int' ? 'numeric' : 'decimal'} required .value=${value} ?disabled=${disabled}
      @input=${(e: Event) => onInput((e.target as HTMLInputElement).value)}>
  </label>`;
}

/** Parses every draft value against its spec; the first problem, named by its label, wins. */
export function parseDraft(specs: Record<string, FieldSpec>, labels: Record<string, string>, draft: Record<string, string>): { values: Record<string, number | string | boolean> } | { error: string } {
  const values: Record<string, number | string | boolean> = {};
  for (const [k, spec] of Object.entries(specs)) {
    const r = parseValue(labels[k] ?? k, spec, (draft[k] ?? '').trim());
    if ('error' in r) return { error: r.error };
    values[k] = r.value;
  }
  return { values };
}

export function draftOf(values: object): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, String(v)]));
}
