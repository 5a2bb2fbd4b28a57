// Byte-level BPE tokenizer (GPT-2 kind): pre-tokenize with GPT-2's regex, turn each pre-token's
// UTF-8 bytes into byte ids, then apply merges lowest rank first (ties: leftmost), exactly as
// @huggingface/tokenizers does. Results are cached per pre-token.
// Does not: learn merges (bpe-train.ts) or read/write tokenizer.json (hf-json.ts, hf-json-export.ts).

import { BaseTokenizer } from './base';
import { bytesToGpt2String, preTokenize } from './gpt2-bytes';
import { toTokenizerJson } from './hf-json-export';
import { PairHeap } from './pair-heap';
import type { BpeTokenizerSpec } from './types';
import { utf8EncodeInto } from './utf8';

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
  // Scratch for encoding one pre-token, grown on demand: its bytes, symbol ids, a linked list.
  private bytes = new Uint8Array(64);
  private ids = new Int32Array(64);
  private next = new Int32Array(64);
  private prev = new Int32Array(64);
  private removed = new Uint8Array(64);

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
    this.ensureScratch(3 * piece.length);
    const n = utf8EncodeInto(piece, this.bytes, 0);
    if (this.options.ignoreMerges) {
      const whole = this.idOfString.get(bytesToGpt2String(this.bytes.subarray(0, n)));
      if (whole !== undefined) return [whole];
    }
    const merged = this.applyMerges(n);
    const missing = merged.indexOf(-1);
    if (missing >= 0) {
      const unk = this.options.unkId;
      if (unk === null) {
        const b = this.bytes.subarray(0, n).find((x) => this.byteToId[x] < 0)!;
        throw new Error(`byte 0x${b.toString(16).padStart(2, '0')} has no token in this BPE vocabulary and it defines no unk token`);
      }
      for (let i = missing; i < merged.length; i++) if (merged[i] === -1) merged[i] = unk;
    }
    return merged;
  }

  private ensureScratch(n: number): void {
    if (this.ids.length >= n) return;
    const size = Math.max(n, 2 * this.ids.length);
    [this.bytes, this.ids, this.next, this.prev] = [new Uint8Array(size), new Int32Array(size), new Int32Array(size), new Int32Array(size)];
    this.removed = new Uint8Array(size);
  }

  /** Rank of the pair starting at node i, or -1. */
  private rankAt(i: number): number {
    const j = this.next[i];
    if (j < 0) return -1;
    const a = this.ids[i], b = this.ids[j];
    if (a < 0 || b < 0) return -1;
    return this.rankOfPair.get(a * this.model.tokens.length + b) ?? -1;
  }

  private pushAt(i: number): void {
    const r = this.rankAt(i);
    if (r >= 0) this.heap.push(-r, i);
  }

  /**
   * Merge the lowest-ranked adjacent pair, leftmost first, until none is left. Symbols form a
   * linked list over the positions of their first byte (-1: byte without a token); heap entries
   * that went stale (a neighbour changed) show up because the pair at their position now has
   * another rank.
   */
  private applyMerges(n: number): number[] {
    const { bytes, ids, next, prev, removed, heap } = this;
    for (let i = 0; i < n; i++) {
      ids[i] = this.byteToId[bytes[i]];
      next[i] = i + 1 < n ? i + 1 : -1;
      prev[i] = i - 1;
      removed[i] = 0;
    }
    heap.clear();
    for (let i = 0; i < n - 1; i++) this.pushAt(i);
    const merges = this.model.merges;
    while (heap.size > 0) {
      const rank = -heap.topPriority, i = heap.topKey;
      heap.pop();
      if (removed[i] || this.rankAt(i) !== rank) continue;
      const j = next[i];
      ids[i] = merges[3 * rank + 2];
      removed[j] = 1;
      next[i] = next[j];
      if (next[j] >= 0) prev[next[j]] = i;
      if (prev[i] >= 0) this.pushAt(prev[i]);
      this.pushAt(i);
    }
    const out: number[] = [];
    for (let i = n > 0 ? 0 : -1; i >= 0; i = next[i]) out.push(ids[i]);
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
