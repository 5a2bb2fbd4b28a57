// JSON.parse keeps the last of two equal keys without a word; the safetensors header must not
// have any, so this scans text that JSON.parse already accepted and reports the first repeat.
// It relies on the text being valid JSON and does no other validation.

/** The first key that appears twice in one object (at any depth), or null. Keys are compared after
 *  unescaping, so "a" and "\u0061" are the same key. */
export function findDuplicateKey(json: string): string | null {
  const stack: (Set<string> | null)[] = []; // one entry per open object (its keys) or array (null)
  let expectKey = false;
  for (let i = 0; i < json.length; i++) {
    const ch = json.charCodeAt(i);
    if (ch === 0x22 /* " */) {
      const end = closingQuote(json, i);
      if (expectKey) {
        const key = JSON.parse(json.slice(i, end + 1)) as string;
        const keys = stack[stack.length - 1] as Set<string>;
        if (keys.has(key)) return key;
        keys.add(key);
        expectKey = false;
      }
      i = end;
    } else if (ch === 0x7b /* { */) {
      stack.push(new Set());
      expectKey = true;
    } else if (ch === 0x5b /* [ */) {
      stack.push(null);
    } else if (ch === 0x7d /* } */ || ch === 0x5d /* ] */) {
      stack.pop();
      expectKey = false;
    } else if (ch === 0x2c /* , */) {
      expectKey = stack[stack.length - 1] instanceof Set;
    }
  }
  return null;
}

function closingQuote(json: string, open: number): number {
  for (let j = open + 1; j < json.length; j++) {
    const ch = json.charCodeAt(j);
    if (ch === 0x5c /* \ */) j++;
    else if (ch === 0x22) return j;
  }
  throw new Error('Unterminated string in JSON that was expected to be valid.');
}
