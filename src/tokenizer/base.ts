// What every tokenizer shares: special tokens, encode around them, and decode through bytes.
// A subclass supplies only its own ids: encodeOrdinary(text) and modelTokenBytes(id).

import { preview } from '../util/preview';
import { SpecialTokens } from './special';
import type { EncodeOptions, SpecialTokenSpec, Tokenizer, TokenizerKind, TokenizerSpec } from './types';
import { concatBytes, utf8Decode, utf8Encode } from './utf8';

export abstract class BaseTokenizer implements Tokenizer {
  abstract readonly kind: TokenizerKind;
  protected readonly special = new SpecialTokens();
  private readonly specialBytes = new Map<number, Uint8Array>();

  /** Ids below this belong to the model; special tokens are appended after it. */
  protected abstract get modelVocabSize(): number;
  /** Append the ids of text that contains no special tokens. */
  protected abstract encodeOrdinary(text: string, out: number[]): void;
  /** Bytes of a model id, or undefined if the id is not a model token. */
  protected abstract modelTokenBytes(id: number): Uint8Array | undefined;
  abstract toJSON(): TokenizerSpec;

  get vocabSize(): number { return Math.max(this.modelVocabSize, this.special.maxId + 1); }
  get specialTokens(): ReadonlyMap<string, number> { return this.special.asMap(); }

  encode(text: string, options: EncodeOptions = {}): number[] {
    if (typeof text !== 'string') throw new TypeError(`encode expects a string, got ${typeof text}`);
    const out: number[] = [];
    const sections = options.allowSpecial ? this.special.split(text) : [text];
    for (const section of sections) {
      if (typeof section === 'number') out.push(section);
      else if (section.length > 0) this.encodeOrdinary(section, out);
    }
    return out;
  }

  tokenBytes(id: number): Uint8Array {
    const special = this.specialBytes.get(id);
    if (special) return special;
    const bytes = this.modelTokenBytes(id);
    if (!bytes) throw new RangeError(`token id ${id} is not in this ${this.kind} tokenizer's vocabulary (size ${this.vocabSize})`);
    return bytes;
  }

  decode(ids: ArrayLike<number>): string {
    const parts: Uint8Array[] = [];
    for (let i = 0; i < ids.length; i++) parts.push(this.tokenBytes(ids[i]));
    return utf8Decode(concatBytes(parts));
  }

  addSpecialTokens(names: readonly string[]): number[] {
    return names.map((name) => {
      const existing = this.special.idOf(name);
      if (existing !== undefined) return existing;
      const id = this.vocabSize;
      this.registerSpecial(name, id);
      return id;
    });
  }

  protected registerSpecial(content: string, id: number, special = true): void {
    this.special.add(content, id, special);
    this.specialBytes.set(id, utf8Encode(content));
  }

  protected specialSpecs(): SpecialTokenSpec[] {
    return this.special.list().map(({ content, id }) => ({ content, id }));
  }

  /** Restore specials from a spec; they must sit at or above the model's ids. */
  protected restoreSpecials(specs: unknown): void {
    if (!Array.isArray(specs)) throw new Error(`${this.kind} tokenizer spec: specialTokens must be an array`);
    for (const s of specs as SpecialTokenSpec[]) {
      if (!Number.isSafeInteger(s?.id) || s.id < this.modelVocabSize) {
        throw new Error(`${this.kind} tokenizer spec: special token ${preview(s?.content)} has id ${preview(s?.id)}, inside the model's ids 0..${this.modelVocabSize - 1}`);
      }
      this.registerSpecial(s.content, s.id);
    }
  }
}
