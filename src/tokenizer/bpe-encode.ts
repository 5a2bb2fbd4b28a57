// Byte-level BPE tokenizer (GPT-2 kind): pre-tokenize with GPT-2's regex, turn each pre-token's
// UTF-8 bytes into byte ids, then apply merges lowest rank first (ties: leftmost), exactly as
// @huggingface/tokenizers does. Results are cached per pre-token.
// Does not: learn merges (bpe-train.ts) or read/write tokenizer.json (hf-json.ts, hf-json-export.ts).

import { BaseTokenizer } from './base';
import { bytesToGpt2String, preTokenize } from './gpt2-bytes';
import { toTokenizerJson } from './hf-json-export';
import { PairHeap } from './pair-heap';
import type { BpeTokenizerSpec } from './types';
import { utf8Encode } from './utf8';

export interface BpeOptions {
  /** Prepend a space to each section of text that does not start with one (tokenizer.json add_prefix_space). */
  addPrefixSpace?: boolean;
  /** Split with the GPT-2 regex; when false, each section is one pre-token (use_regex). */
  useRegex?: boolean;
  /** A pre-token that is itself in the vocabulary is emitted whole (ignore_merges). */
  ignoreMerges?: boolean;
  /** Id emitted for a byte that has no token; without one such a byte is an error. */
  unkId?: number | null;
}

export interface BpeModel {
  /** Bytes of each id; undefined where an id is unused (or only a special token). */
  tokens: ReadonlyArray<Uint8Array | undefined>;
  /** Merges in rank order, flattened as (left, right, result) id triples. */
  merges: Int32Array;
}

const CACHE_LIMIT = 50_000;

export class BpeTokenizer extends BaseTokenizer {
  readonly kind = 'bpe' as const;
  readonly model: BpeModel;
  readonly options: Required<BpeOptions>;
  private readonly byteToId = new Int32Array(256).fill(-1);
  private readonly rankOfPair = new Map<number, number>();
  private readonly idOfString = new Map<string, number>();
  private readonly cache = new Map<string, number[]>();
  private readonly heap = new PairHeap();

  constructor(model: BpeModel, options: BpeOptions = {}, specials: ReadonlyArray<{ content: string; id: number; special?: boolean }> = []) {
    super();
    this.model = model;
    this.options = { addPrefixSpace: false, useRegex: true, ignoreMerges: false, unkId: null, ...options };
    const n = model.tokens.length;
    model.tokens.forEach((bytes, id) => {
      if (!bytes) return;
      if (bytes.length === 1) this.byteToId[bytes[0]] = id;
      if (this.options.ignoreMerges) this.idOfString.set(bytesToGpt2String(bytes), id);
    });
    const m = model.merges;
    if (m.length % 3 !== 0) throw new Error('BPE merges must be (left, right, result) triples');
    for (let r = 0; r < m.length / 3; r++) {
      const [a, b, c] = [m[3 * r], m[3 * r + 1], m[3 * r + 2]];
      if (!(a >= 0 && a < n && b >= 0 && b < n && c >= 0 && c < n && model.tokens[a] && model.tokens[b] && model.tokens[c])) {
        throw new Error(`BPE merge #${r} (${a}, ${b}) -> ${c} uses an id that is not a token`);
      }
      // A pair listed twice keeps its last rank, as both Hugging Face implementations do.
      this.rankOfPair.set(a * n + b, r);
    }
    for (const s of specials) this.registerSpecial(s.content, s.id, s.special ?? true);
  }

  get mergeCount(): number { return this.model.merges.length / 3; }

  protected get modelVocabSize(): number { return this.model.tokens.length; }

  protected modelTokenBytes(id: number): Uint8Array | undefined { return this.model.tokens[id]; }

  protected encodeOrdinary(text: string, out: number[]): void {
    if (this.options.addPrefixSpace && !text.startsWith(' ')) text = ' ' + text;
    const pieces = this.options.useRegex ? preTokenize(text) : [text];
    for (const piece of pieces) {
      let ids = this.cache.get(piece);
      if (!ids) {
        ids = this.encodePiece(piece);
        if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
        this.cache.set(piece, ids);
      }
      for (const id of ids) out.push(id);
    }
  }

  private encodePiece(piece: string): number[] {
    const bytes = utf8Encode(piece);
    if (this.options.ignoreMerges) {
      const whole = this.idOfString.get(bytesToGpt2String(bytes));
      if (whole !== undefined) return [whole];
    }
    const ids = Int32Array.from(bytes, (b) => this.byteToId[b]);
    const merged = this.applyMerges(ids);
    for (let i = 0; i < merged.length; i++) {
      if (merged[i] >= 0) continue;
      const unk = this.options.unkId;
      if (unk === null) {
        const b = bytes[ids.indexOf(-1)];
        throw new Error(`byte 0x${b.toString(16).padStart(2, '0')} has no token in this BPE vocabulary and it defines no unk token`);
      }
      merged[i] = unk;
    }
    return merged;
  }

  /**
   * Merge the lowest-ranked adjacent pair, leftmost first, until none is left. The symbols form a
   * linked list over the positions of the first byte of each symbol; heap entries that went stale
   * (a neighbour changed) are recognised because the pair at their position now has another rank.
   */
  private applyMerges(ids: Int32Array): number[] {
    const n = ids.length;
    if (n < 2) return Array.from(ids);
    const vocab = this.model.tokens.length, merges = this.model.merges;
    const next = new Int32Array(n), prev = new Int32Array(n), removed = new Uint8Array(n);
    for (let i = 0; i < n; i++) { next[i] = i + 1 < n ? i + 1 : -1; prev[i] = i - 1; }
    const heap = this.heap;
    heap.clear();
    const rankAt = (i: number): number | undefined => {
      const j = next[i];
      return j < 0 || ids[i] < 0 || ids[j] < 0 ? undefined : this.rankOfPair.get(ids[i] * vocab + ids[j]);
    };
    const pushAt = (i: number): void => {
      const r = rankAt(i);
      if (r !== undefined) heap.push(-r, i);
    };
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
    for (let i = 0; i >= 0; i = next[i]) out.push(ids[i]);
    return out;
  }

  /** Special tokens with Hugging Face's flags, for export. */
  addedTokens(): Array<{ content: string; id: number; special: boolean }> {
    return this.special.list();
  }

  toJSON(): BpeTokenizerSpec {
    return { kind: 'bpe', version: 1, tokenizerJson: toTokenizerJson(this) };
  }
}
