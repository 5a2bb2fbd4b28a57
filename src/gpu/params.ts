// A kernel's uniform parameters: a list of 4-byte words (u32, i32 or f32), in the order of the
// WGSL `Params` struct. Keep structs to scalar 4-byte fields so no padding rules apply.
export class Params {
  private readonly words: number[] = [];
  private readonly kinds: ('u' | 'i' | 'f')[] = [];

  u32(...v: number[]): this { for (const x of v) { this.words.push(x >>> 0); this.kinds.push('u'); } return this; }
  i32(...v: number[]): this { for (const x of v) { this.words.push(x | 0); this.kinds.push('i'); } return this; }
  f32(...v: number[]): this { for (const x of v) { this.words.push(x); this.kinds.push('f'); } return this; }

  get byteLength(): number { return Math.max(16, Math.ceil((this.words.length * 4) / 16) * 16); }

  writeInto(view: DataView, offset: number): void {
    for (let i = 0; i < this.words.length; i++) {
      const k = this.kinds[i];
      if (k === 'f') view.setFloat32(offset + 4 * i, this.words[i], true);
      else if (k === 'i') view.setInt32(offset + 4 * i, this.words[i], true);
      else view.setUint32(offset + 4 * i, this.words[i], true);
    }
  }
}

export const params = (): Params => new Params();
