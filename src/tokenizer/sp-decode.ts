// The decoder of a SentencePiece-style tokenizer.json, step by step as Hugging Face's tokenizers
// defines it: token strings pass through Replace (per token), ByteFallback (runs of "<0xXX>" tokens
// become their UTF-8 text, or one U+FFFD per byte when the run is not valid UTF-8), Fuse (join),
// Strip (cut up to `start` leading / `stop` trailing copies of a character, per token) and
// Metaspace (▁ → space, none on the first token when a prefix was prepended).
// Does not encode (sp-bpe.ts) or validate anything but the decoder (hf-json-sp.ts calls this).

type Json = Record<string, unknown>;
export type DecodeStep = (tokens: string[]) => string[];

const BYTE_TOKEN = /^<0x([0-9A-Fa-f]{2})>$/;

/** The byte a "<0xXX>" token stands for, or undefined. */
export function byteOfToken(token: string): number | undefined {
  const m = BYTE_TOKEN.exec(token);
  return m ? parseInt(m[1], 16) : undefined;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function byteFallback(tokens: string[]): string[] {
  const out: string[] = [];
  let run: number[] = [];
  const flush = () => {
    if (run.length === 0) return;
    try { out.push(strictUtf8.decode(Uint8Array.from(run))); } catch { for (let i = 0; i < run.length; i++) out.push('\ufffd'); }
    run = [];
  };
  for (const t of tokens) {
    const b = byteOfToken(t);
    if (b !== undefined) run.push(b);
    else { flush(); out.push(t); }
  }
  flush();
  return out;
}

function strip(content: string, start: number, stop: number): DecodeStep {
  return (tokens) => tokens.map((t) => {
    const chars = [...t];
    let a = 0, b = chars.length;
    while (a < start && a < chars.length && chars[a] === content) a++;
    while (chars.length - b < stop && b > a && chars[b - 1] === content) b--;
    return chars.slice(a, b).join('');
  });
}

function fail(message: string): never {
  throw new Error(`invalid tokenizer.json: ${message}`);
}

/** One character, as the Strip/Metaspace decoders and normalizers take. */
export function oneChar(v: unknown, where: string): string {
  if (typeof v !== 'string' || [...v].length !== 1) fail(`${where} must be one character, got ${JSON.stringify(v)}`);
  return v;
}

/** The pattern of a Replace step: only literal strings are supported ({"String": "..."}). */
export function replacePattern(step: Json, where: string): { from: string; to: string } {
  const pattern = step.pattern as Json | undefined;
  if (!pattern || typeof pattern.String !== 'string' || pattern.String === '') fail(`${where}.pattern must be {"String": "..."}; regular-expression patterns are not supported`);
  if (typeof step.content !== 'string') fail(`${where}.content must be a string`);
  return { from: pattern.String as string, to: step.content };
}

function decodeStep(step: unknown, where: string): DecodeStep[] {
  if (typeof step !== 'object' || step === null) fail(`${where} must be an object, got ${JSON.stringify(step)}`);
  const s = step as Json;
  switch (s.type) {
    case 'Sequence': {
      if (!Array.isArray(s.decoders)) fail(`${where}.decoders must be an array`);
      return s.decoders.flatMap((d, i) => decodeStep(d, `${where}.decoders[${i}]`));
    }
    case 'Replace': {
      const { from, to } = replacePattern(s, where);
      return [(tokens) => tokens.map((t) => t.split(from).join(to))];
    }
    case 'ByteFallback': return [byteFallback];
    case 'Fuse': return [(tokens) => [tokens.join('')]];
    case 'Strip': {
      const [start, stop] = [s.start ?? 0, s.stop ?? 0];
      if (!Number.isSafeInteger(start) || !Number.isSafeInteger(stop)) fail(`${where}.start and .stop must be integers`);
      return [strip(oneChar(s.content, `${where}.content`), start as number, stop as number)];
    }
    case 'Metaspace': {
      const replacement = oneChar(s.replacement ?? '▁', `${where}.replacement`);
      const prepended = (s.prepend_scheme ?? (s.add_prefix_space === false ? 'never' : 'always')) !== 'never';
      return [(tokens) => tokens.map((t, i) => [...t].map((c) => (c !== replacement ? c : i === 0 && prepended ? '' : ' ')).join(''))];
    }
    default: return fail(`${where} has type ${JSON.stringify(s.type)}; a SentencePiece-style decoder is built from Replace, ByteFallback, Fuse, Strip and Metaspace`);
  }
}

/** Builds the decoder chain of a tokenizer.json's "decoder" (null: tokens are simply joined). */
export function buildDecoder(decoder: unknown): (tokens: string[]) => string {
  const steps = decoder === null || decoder === undefined ? [] : decodeStep(decoder, 'decoder');
  return (tokens) => steps.reduce((ts, step) => step(ts), tokens).join('');
}
