// The import graph of src/ and the layering rules it must keep (README "Layout"):
//   ui → worker → train → model → kernels → gpu → util   (a layer imports only layers to its right)
// plus: tokenizer ↛ gpu, checkpoint ↛ ui, util imports nothing of src, and the training stages
// (src/train/pretrain*, sft*, reward*, rl/*) never import each other; no import cycles at all.
// Imports are read from the source text (static, re-export, side-effect and dynamic import()),
// type-only imports included: a layer must not even know the types of a layer above it.
// It does not type-check or resolve package imports (only relative ones, into src/).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/** src-relative path ('train/sft.ts') → the src-relative paths it imports. */
export type ImportGraph = Map<string, string[]>;

const IMPORT = /(?:^|[\s;])(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

/** Specifiers of every import in `source` (comments stripped first). */
export function importSpecifiers(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
  return [...code.matchAll(IMPORT)].map((m) => m[1] ?? m[2]);
}

function listTs(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return listTs(p);
    return /\.ts$/.test(name) && !name.endsWith('.d.ts') ? [p] : [];
  });
}

/** Resolves a relative specifier from `fromFile` to an existing src file (null: outside src or a package). */
function resolveSpecifier(srcDir: string, fromFile: string, spec: string, files: Set<string>): string | null {
  if (!spec.startsWith('.')) return null;
  const bare = spec.replace(/\?.*$/, '');
  const base = resolve(dirname(join(srcDir, fromFile)), bare);
  for (const candidate of [base, `${base}.ts`, join(base, 'index.ts')]) {
    const rel = relative(srcDir, candidate).split(sep).join('/');
    if (files.has(rel)) return rel;
  }
  return null;
}

export function readImportGraph(srcDir: string): ImportGraph {
  const files = listTs(srcDir).map((p) => relative(srcDir, p).split(sep).join('/'));
  const known = new Set(files);
  const graph: ImportGraph = new Map();
  for (const f of files) {
    const specs = importSpecifiers(readFileSync(join(srcDir, f), 'utf8'));
    graph.set(f, specs.map((s) => resolveSpecifier(srcDir, f, s, known)).filter((x): x is string => x !== null));
  }
  return graph;
}

/** The main chain, bottom first: a layer may import only layers before it in this list. */
const CHAIN = ['util', 'gpu', 'kernels', 'model', 'train', 'worker', 'ui'];
/** Further forbidden edges between top-level folders of src/. */
const FORBIDDEN: [string, string][] = [['tokenizer', 'gpu'], ['checkpoint', 'ui']];

const folderOf = (file: string): string => (file.includes('/') ? file.slice(0, file.indexOf('/')) : '');

/** The training stage a file belongs to, or null for the shared engine library. */
export function stageOf(file: string): string | null {
  const m = /^train\/(?:(rl)\/|(pretrain|sft|reward)[^/]*\.ts$)/.exec(file);
  return m ? (m[1] ?? m[2]) : null;
}

export function layerViolations(graph: ImportGraph): string[] {
  const out: string[] = [];
  for (const [from, targets] of graph) {
    const a = folderOf(from);
    for (const to of targets) {
      const b = folderOf(to);
      const ia = CHAIN.indexOf(a), ib = CHAIN.indexOf(b);
      if (a === 'util' && b !== 'util') out.push(`${from} → ${to}: util imports nothing else from src`);
      else if (ia >= 0 && ib > ia) out.push(`${from} → ${to}: ${a} sits below ${b}`);
      for (const [x, y] of FORBIDDEN) if (a === x && b === y) out.push(`${from} → ${to}: ${x} must not import ${y}`);
      const sa = stageOf(from), sb = stageOf(to);
      if (sa && sb && sa !== sb) out.push(`${from} → ${to}: stage ${sa} imports stage ${sb}`);
    }
  }
  return out;
}

/** Every import cycle, each as the files along it (Tarjan's strongly connected components). */
export function importCycles(graph: ImportGraph): string[][] {
  let index = 0;
  const idx = new Map<string, number>(), low = new Map<string, number>(), onStack = new Set<string>(), stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index); low.set(v, index); index++;
    stack.push(v); onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) { visit(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)); }
      else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do { w = stack.pop()!; onStack.delete(w); scc.push(w); } while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(scc.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return cycles;
}
