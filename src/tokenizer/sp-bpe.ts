// SentencePiece-style BPE (Llama, Mistral, TinyLlama tokenizer.json): the text is normalized
// (" " → "▁", a "▁" prepended), optionally split before each "▁" (Metaspace), and each word is
// split into characters; a character missing from the vocabulary becomes its UTF-8 bytes as
// "<0xXX>" tokens (byte fallback) or the unknown token. Merges then apply lowest rank first, ties
// leftmost, exactly as Hugging Face's tokenizers does. Decoding runs the file's decoder chain
// (sp-decode.ts). Loaded from JSON by hf-json-sp.ts; encode recognises added tokens only with
// { allowSpecial: true } (the library always does). Does not add BOS/EOS (the post-processor).
import { BaseTokenizer } from './base';
import { PairHeap } from './pair-heap';
import { byteOfToken } from './sp-decode';
import type { EncodeOptions, BpeTokenizerSpec } from './types';
import type { HfAddedToken, HfTokenizerJson } from './hf-json-types';
import { utf8Encode } from './utf8';

export interface SpBpeModel {
  /** Token string of each id (undefined where unused). */
  tokens: ReadonlyArray<string | undefined>;
  /** Merges in rank order as (left, right, result) id triples. */
  merges: Int32Array;
  unkId: number | null;
  fuseUnk: boolean;
  byteFallback: boolean;
  ignoreMerges: boolean;
}

export interface SpPipeline {
  /** Normalizes one section of text (between added tokens); `first` when it starts the input. */
  normalize(text: string, first: boolean): string;
  /** Splits normalized text into words (the whole text when there is no pre-tokenizer). */
  split(text: string): string[];
  decode(tokens: string[]): string;
}

export interface SpDecodeOptions {
  /** Leave out added tokens marked special (Hugging Face's skip_special_tokens). */
  skipSpecial?: boolean;
}

const CACHE_LIMIT = 50_000;

export class SpBpeTokenizer extends BaseTokenizer {
  readonly kind = 'bpe' as const;
  private readonly idOf = new Map<string, number>();
  private readonly byteIds = new Int32Array(256).fill(-1);
  private readonly rankOfPair = new Map<number, number>();
  private readonly cache = new Map<string, number[]>();
  private readonly heap = new PairHeap();

  constructor(
    readonly model: SpBpeModel,
    private readonly pipeline: SpPipeline,
    private readonly json: { added_tokens: HfAddedToken[] } & Record<string, unknown>,
    specials: ReadonlyArray<{ content: string; id: number; special: boolean }>,
  ) {
    super();
    model.tokens.forEach((t, id) => {
      if (t === undefined) return;
      this.idOf.set(t, id);
      const b = byteOfToken(t);
      if (b !== undefined) this.byteIds[b] = id;
    });
    const n = model.tokens.length, m = model.merges;
    // A pair listed twice keeps its last rank, as both Hugging Face implementations do.
    for (let r = 0; r < m.length / 3; r++) this.rankOfPair.set(m[3 * r] * n + m[3 * r + 1], r);
    for (const s of specials) this.registerSpecial(s.content, s.id, s.special);
  }

  protected get modelVocabSize(): number { return this.model.tokens.length; }

  /** The bytes a token stands for: "▁" is a space, "<0xXX>" one byte (also when it is an added token). */
  protected modelTokenBytes(id: number): Uint8Array | undefined {
    const t = this.model.tokens[id];
    if (t === undefined) return undefined;
    const b = byteOfToken(t);
    return b !== undefined ? Uint8Array.of(b) : utf8Encode(t.replaceAll('▁', ' '));
  }

  override tokenBytes(id: number): Uint8Array {
    return this.model.tokens[id] !== undefined ? this.modelTokenBytes(id)! : super.tokenBytes(id);
  }

  override encode(text: string, options: EncodeOptions = {}): number[] {
    if (typeof text !== 'string') throw new TypeError(`encode expects a string, got ${typeof text}`);
    const out: number[] = [];
    const sections = options.allowSpecial ? this.special.split(text) : [text];
    sections.forEach((section, i) => {
      if (typeof section === 'number') out.push(section);
      else this.encodeSection(section, i === 0, out);
    });
    return out;
  }

  protected encodeOrdinary(text: string, out: number[]): void { this.encodeSection(text, true, out); }

  private encodeSection(text: string, first: boolean, out: number[]): void {
    const normalized = this.pipeline.normalize(text, first);
    for (const word of this.pipeline.split(normalized)) {
      let ids = this.cache.get(word);
      if (!ids) {
        ids = this.encodeWord(word);
        if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
        this.cache.set(word, ids);
      }
      for (const id of ids) out.push(id);
    }
  }

  /** Characters (or their byte tokens, or unk) as symbols, then merges. */
  private encodeWord(word: string): number[] {
    if (word === '') return [];
    const m = this.model;
    if (m.ignoreMerges) {
      const whole = this.idOf.get(word);
      if (whole !== undefined) return [whole];
    }
    const symbols: number[] = [];
    let lastWasUnk = false;
    for (const ch of word) {
      const id = this.idOf.get(ch);
      if (id !== undefined) { symbols.push(id); lastWasUnk = false; continue; }
      if (m.byteFallback) {
        const bytes = utf8Encode(ch);
        const ids = Array.from(bytes, (b) => this.byteIds[b]);
        if (ids.every((x) => x >= 0)) { symbols.push(...ids); lastWasUnk = false; continue; }
      }
      if (m.unkId === null) throw new Error(`the character ${JSON.stringify(ch)} has no token in this vocabulary and it defines no unk token`);
      if (!(m.fuseUnk && lastWasUnk)) symbols.push(m.unkId);
      lastWasUnk = true;
    }
    return this.applyMerges(symbols);
  }

  /** Lowest-rank adjacent pair first, leftmost on ties, over a linked list of symbols. */
  private applyMerges(ids: number[]): number[] {
    const n = ids.length, V = this.model.tokens.length, merges = this.model.merges, heap = this.heap;
    const next = Int32Array.from({ length: n }, (_, i) => (i + 1 < n ? i + 1 : -1));
    const prev = Int32Array.from({ length: n }, (_, i) => i - 1);
    const removed = new Uint8Array(n);
    const rankAt = (i: number) => (next[i] < 0 ? -1 : this.rankOfPair.get(ids[i] * V + ids[next[i]]) ?? -1);
    const pushAt = (i: number) => { const r = rankAt(i); if (r >= 0) heap.push(-r, i); };
    heap.clear();
    for (let i = 0; i < n - 1; i++) pushAt(i);
    while (heap.size > 0) {
      const rank = -heap.topPriority, i = heap.topKey;
      heap.pop();
      if (removed[i] || rankAt(i) !== rank) continue;
      const j = next[i];
      ids[i] = merges[3 * rank + 2];
      removed[j] = 1;
      next[i] = next[j];
      if (next[j] >= 0) prev[next[j]] = i;
      if (prev[i] >= 0) pushAt(prev[i]);
      pushAt(i);
    }
    const out: number[] = [];
    for (let i = n > 0 ? 0 : -1; i >= 0; i = next[i]) out.push(ids[i]);
    return out;
  }

  /** Hugging Face's decode: token strings through the file's decoder chain. */
  override decode(ids: ArrayLike<number>, options: SpDecodeOptions = {}): string {
    const tokens: string[] = [];
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      const added = this.special.atId(id);
      if (added) { if (!(options.skipSpecial && added.special)) tokens.push(added.content); continue; }
      const t = this.model.tokens[id];
      if (t === undefined) throw new RangeError(`token id ${id} is not in this tokenizer's vocabulary (size ${this.vocabSize})`);
      tokens.push(t);
    }
    return this.pipeline.decode(tokens);
  }

  toJSON(): BpeTokenizerSpec {
    const known = new Set(this.json.added_tokens.map((t) => t.id));
    const extra = this.special.list().filter((t) => !known.has(t.id))
      .map(({ id, content }) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }));
    // HfTokenizerJson types the GPT-2 kind's stages; this file has SentencePiece ones, which
    // tokenizerFromHfJson checks again when the spec is loaded.
    return { kind: 'bpe', version: 1, tokenizerJson: { ...this.json, added_tokens: [...this.json.added_tokens, ...extra] } as unknown as HfTokenizerJson };
  }
}
