// Registry of special (added) tokens: text <-> id, and splitting text around them.
// Does not: decide ids for new tokens (base.ts appends them) or encode the text in between.

export interface SpecialToken {
  content: string;
  id: number;
  /** Hugging Face's flag, kept only so a loaded tokenizer.json exports unchanged. */
  special: boolean;
}

export class SpecialTokens {
  private readonly byContent = new Map<string, SpecialToken>();
  private readonly byId = new Map<number, SpecialToken>();
  private splitter: RegExp | null = null;

  get size(): number { return this.byId.size; }

  get maxId(): number {
    let max = -1;
    for (const id of this.byId.keys()) max = Math.max(max, id);
    return max;
  }

  add(content: string, id: number, special = true): void {
    if (typeof content !== 'string' || content.length === 0) throw new Error('a special token must be a non-empty string');
    if (!Number.isSafeInteger(id) || id < 0) throw new Error(`special token ${JSON.stringify(content)} has invalid id ${id}`);
    if (this.byContent.has(content)) throw new Error(`special token ${JSON.stringify(content)} is defined twice`);
    const clash = this.byId.get(id);
    if (clash) throw new Error(`special tokens ${JSON.stringify(clash.content)} and ${JSON.stringify(content)} share id ${id}`);
    const token = { content, id, special };
    this.byContent.set(content, token);
    this.byId.set(id, token);
    this.splitter = null;
  }

  idOf(content: string): number | undefined { return this.byContent.get(content)?.id; }
  atId(id: number): SpecialToken | undefined { return this.byId.get(id); }

  /** Sorted by id. */
  list(): SpecialToken[] {
    return [...this.byId.values()].map((t) => ({ ...t })).sort((a, b) => a.id - b.id);
  }

  asMap(): Map<string, number> {
    return new Map(this.list().map((t) => [t.content, t.id]));
  }

  /**
   * Cut text into ordinary strings and special-token ids. Scans left to right and takes the
   * longest special token starting at the earliest position, as @huggingface/tokenizers does.
   * Empty strings are never emitted.
   */
  split(text: string): Array<string | number> {
    if (this.byId.size === 0) return text.length > 0 ? [text] : [];
    this.splitter ??= new RegExp(
      [...this.byContent.keys()].sort((a, b) => b.length - a.length).map(escapeRegExp).join('|'),
      'g',
    );
    const out: Array<string | number> = [];
    let last = 0;
    for (const match of text.matchAll(this.splitter)) {
      if (match.index > last) out.push(text.slice(last, match.index));
      out.push(this.byContent.get(match[0])!.id);
      last = match.index + match[0].length;
    }
    if (last < text.length) out.push(text.slice(last));
    return out;
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
