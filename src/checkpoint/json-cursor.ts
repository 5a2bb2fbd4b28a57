// A strict JSON (RFC 8259) cursor over text that must not be trusted: readers walk a document with
// it field by field, so they keep only what they need, see each number as the exact token written
// (JSON.parse turns 128, 128.0 and 128e0 into the same value) and stay within a nesting cap.
// Nothing here recurses: skipping a value uses a stack as deep as the cap allows, no deeper.
// Stricter than JSON.parse in one way, like serde_json: a \u escape of half a UTF-16 surrogate pair
// without its other half is an error. Does not build values other than strings: that is its
// callers' job (safetensors-header.ts, codec.ts).

/** The text is not JSON; `at` is a character index into it. */
export class JsonSyntaxError extends Error {
  constructor(message: string, readonly at: number) {
    super(message);
    this.name = 'JsonSyntaxError';
  }
}

/** Arrays and objects nest deeper than the cursor's cap. */
export class JsonDepthError extends Error {
  constructor(readonly maxDepth: number, readonly at: number) {
    super(`arrays and objects nest more than ${maxDepth} levels deep`);
    this.name = 'JsonDepthError';
  }
}

const QUOTE = 0x22, BACKSLASH = 0x5c, COMMA = 0x2c, COLON = 0x3a;
const OPEN_OBJECT = 0x7b, CLOSE_OBJECT = 0x7d, OPEN_ARRAY = 0x5b, CLOSE_ARRAY = 0x5d;
const MINUS = 0x2d, ZERO = 0x30, NINE = 0x39, DOT = 0x2e;

const isDigit = (c: number) => c >= ZERO && c <= NINE;
const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
const ESCAPES = new Map<number, string>([[0x22, '"'], [0x5c, '\\'], [0x2f, '/'], [0x62, '\b'], [0x66, '\f'], [0x6e, '\n'], [0x72, '\r'], [0x74, '\t']]);

export class JsonCursor {
  /** Index of the next character to read. */
  pos = 0;

  constructor(readonly text: string, readonly maxDepth: number) {}

  /** The next character code after whitespace (consumed), or -1 at the end. Does not consume it. */
  peek(): number {
    while (this.pos < this.text.length && isSpace(this.text.charCodeAt(this.pos))) this.pos++;
    return this.pos < this.text.length ? this.text.charCodeAt(this.pos) : -1;
  }

  /** Throws unless only whitespace is left. */
  end(): void {
    if (this.peek() !== -1) this.unexpected('after the end of the JSON value');
  }

  /** Reads an object whose opening brace is next, calling `onEntry` with each key; `onEntry` must
   *  read or skip that key's value. `depth` is the nesting depth of the object itself (root: 1). */
  readObject(depth: number, onEntry: (key: string) => void): void {
    this.enter(depth, OPEN_OBJECT);
    if (this.peek() === CLOSE_OBJECT) { this.pos++; return; }
    for (;;) {
      if (this.peek() !== QUOTE) this.unexpected('where an object key (a string) should be');
      const key = this.readString();
      this.consume(COLON, 'a colon after an object key');
      onEntry(key);
      const c = this.peek();
      this.pos++;
      if (c === CLOSE_OBJECT) return;
      if (c !== COMMA) { this.pos--; this.unexpected("where ',' or '}' should follow an object value"); }
    }
  }

  /** Reads an array whose opening bracket is next, calling `onItem` for each item, which must read
   *  or skip it. `depth` is the nesting depth of the array itself. */
  readArray(depth: number, onItem: (index: number) => void): void {
    this.enter(depth, OPEN_ARRAY);
    if (this.peek() === CLOSE_ARRAY) { this.pos++; return; }
    for (let i = 0; ; i++) {
      onItem(i);
      const c = this.peek();
      this.pos++;
      if (c === CLOSE_ARRAY) return;
      if (c !== COMMA) { this.pos--; this.unexpected("where ',' or ']' should follow an array item"); }
    }
  }

  /** Reads a string whose opening quote is next and returns its value. */
  readString(): string {
    this.consume(QUOTE, 'a string');
    const { text } = this;
    let out = '';
    let from = this.pos;
    for (;;) {
      if (this.pos >= text.length) throw new JsonSyntaxError('a string is not closed', from - 1);
      const c = text.charCodeAt(this.pos);
      if (c === QUOTE) break;
      if (c < 0x20) this.fail(`a string contains the control character U+${c.toString(16).padStart(4, '0')}, which JSON requires to be escaped`);
      if (c !== BACKSLASH) { this.pos++; continue; }
      out += text.slice(from, this.pos);
      out += this.readEscape();
      from = this.pos;
    }
    out += text.slice(from, this.pos);
    this.pos++;
    return out;
  }

  /** Reads a number and returns its token exactly as written (say "128.0"), checked against the
   *  JSON grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
  readNumberToken(): string {
    const start = this.pos;
    const { text } = this;
    if (text.charCodeAt(this.pos) === MINUS) this.pos++;
    if (text.charCodeAt(this.pos) === ZERO) this.pos++;
    else this.digits();
    if (text.charCodeAt(this.pos) === DOT) { this.pos++; this.digits(); }
    const e = text.charCodeAt(this.pos);
    if (e === 0x65 || e === 0x45) {
      this.pos++;
      const sign = text.charCodeAt(this.pos);
      if (sign === 0x2b || sign === MINUS) this.pos++;
      this.digits();
    }
    return text.slice(start, this.pos);
  }

  /** Checks the next value and moves past it without keeping any of it. `depth` is the nesting
   *  depth of the container holding it (0 for a whole document). */
  skipValue(depth: number): void {
    const open: number[] = []; // the closing character of each container entered here
    for (;;) {
      const c = this.peek();
      if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
        this.enter(depth + open.length + 1, c);
        const close = c === OPEN_OBJECT ? CLOSE_OBJECT : CLOSE_ARRAY;
        if (this.peek() === close) { this.pos++; } else {
          open.push(close);
          if (close === CLOSE_OBJECT) this.keyAndColon();
          continue; // read the first item or value
        }
      } else {
        this.skipScalar(c);
      }
      // After a value: close finished containers; on a comma, go read the next item or value.
      for (;;) {
        if (open.length === 0) return;
        const next = this.peek();
        const close = open[open.length - 1];
        this.pos++;
        if (next === close) { open.pop(); continue; }
        if (next !== COMMA) { this.pos--; this.unexpected(`where ',' or '${String.fromCharCode(close)}' should be`); }
        if (close === CLOSE_OBJECT) this.keyAndColon();
        break;
      }
    }
  }

  /** Throws a syntax error at the current position. */
  fail(message: string): never {
    throw new JsonSyntaxError(message, this.pos);
  }

  /** One or more digits. */
  private digits(): void {
    const from = this.pos;
    while (this.pos < this.text.length && isDigit(this.text.charCodeAt(this.pos))) this.pos++;
    if (this.pos === from) this.unexpected('where a digit should be in a number');
  }

  private skipScalar(c: number): void {
    if (c === QUOTE) { this.readString(); return; }
    if (c === MINUS || isDigit(c)) { this.readNumberToken(); return; }
    for (const word of ['true', 'false', 'null']) {
      if (this.text.startsWith(word, this.pos)) { this.pos += word.length; return; }
    }
    this.unexpected('where a value should be');
  }

  private keyAndColon(): void {
    if (this.peek() !== QUOTE) this.unexpected('where an object key (a string) should be');
    this.readString();
    this.consume(COLON, 'a colon after an object key');
  }

  private enter(depth: number, open: number): void {
    this.consume(open, open === OPEN_OBJECT ? 'an object' : 'an array');
    if (depth > this.maxDepth) throw new JsonDepthError(this.maxDepth, this.pos - 1);
  }

  private consume(c: number, what: string): void {
    if (this.peek() !== c) this.unexpected(`where ${what} should be`);
    this.pos++;
  }

  /** Reads the escape sequence at a backslash; a \u escape of a high surrogate takes its pair too. */
  private readEscape(): string {
    const c = this.text.charCodeAt(this.pos + 1);
    if (c !== 0x75 /* u */) {
      const s = ESCAPES.get(c);
      if (s === undefined) this.fail('a string contains an unknown escape sequence');
      this.pos += 2;
      return s;
    }
    const unit = this.hex4(this.pos + 2);
    this.pos += 6;
    if (unit >= 0xdc00 && unit <= 0xdfff) this.fail('a string escapes half a UTF-16 surrogate pair (\\u' + unit.toString(16) + ') without the other half');
    if (unit < 0xd800 || unit > 0xdbff) return String.fromCharCode(unit);
    const low = this.text.startsWith('\\u', this.pos) ? this.hex4(this.pos + 2) : -1;
    if (low < 0xdc00 || low > 0xdfff) this.fail('a string escapes half a UTF-16 surrogate pair (\\u' + unit.toString(16) + ') without the other half');
    this.pos += 6;
    return String.fromCharCode(unit, low);
  }

  private hex4(at: number): number {
    const digits = this.text.slice(at, at + 4);
    if (!/^[0-9a-fA-F]{4}$/.test(digits)) { this.pos = at; this.fail('a \\u escape needs four hexadecimal digits'); }
    return parseInt(digits, 16);
  }

  private unexpected(where: string): never {
    if (this.pos >= this.text.length) this.fail(`the text ends ${where}`);
    const ch = this.text.codePointAt(this.pos) as number;
    const shown = ch >= 0x20 && ch < 0x7f ? `'${String.fromCodePoint(ch)}'` : `U+${ch.toString(16).toUpperCase().padStart(4, '0')}`;
    this.fail(`unexpected ${shown} ${where}`);
  }
}
