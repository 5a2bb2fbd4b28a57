import { describe, it, expect } from 'vitest';
import { parseSftJsonl, parsePairsJsonl, describeProblems } from '../../src/data/chat/jsonl';

describe('SFT JSONL', () => {
  it('reads both forms, skips blank lines, and reports bad lines with numbers and reasons', () => {
    const text = [
      '{"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello"}]}',
      '',
      '{"prompt":"2+2?","completion":"4","id":7}',
      '{"messages":[{"role":"bot","content":"x"}]}',
      'not json',
      '{"messages":[{"role":"user","content":"no answer"}]}',
      '[1,2]',
      '{"prompt":"x","completion":5}',
      '{"text":"raw"}',
      '{"messages":[]}',
      '{"messages":[{"role":"user"}]}\r',
    ].join('\n');
    const r = parseSftJsonl(text);
    expect(r.records).toEqual([
      { messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello' }] },
      { messages: [{ role: 'user', content: '2+2?' }, { role: 'assistant', content: '4' }] },
    ]);
    expect(r.lines).toEqual([1, 3]);
    expect(r.problems.map((p) => p.line)).toEqual([4, 5, 6, 7, 8, 9, 10, 11]);
    const reasons = r.problems.map((p) => p.reason);
    expect(reasons[0]).toMatch(/messages\[0\] has role "bot"; expected system, user or assistant/);
    expect(reasons[1]).toMatch(/^not valid JSON/);
    expect(reasons[2]).toMatch(/no assistant message/);
    expect(reasons[3]).toMatch(/expected a JSON object, got an array/);
    expect(reasons[4]).toMatch(/completion must be a string, got number/);
    expect(reasons[5]).toMatch(/expected "messages", or "prompt" and "completion"/);
    expect(reasons[6]).toMatch(/messages is empty/);
    expect(reasons[7]).toMatch(/messages\[0\]\.content must be a string, got undefined/);
    expect(describeProblems(r.problems, 2)).toBe(`line 4: ${reasons[0]}\nline 5: ${reasons[1]}\n... and 6 more`);
  });

  it('accepts a byte-order mark and Windows line endings', () => {
    const r = parseSftJsonl('\ufeff{"prompt":"a","completion":"b"}\r\n{"prompt":"c","completion":"d"}\r\n');
    expect(r.records.length).toBe(2);
    expect(r.problems).toEqual([]);
  });
});

describe('preference-pair JSONL', () => {
  it('reads string replies after a prompt, and message lists for each side', () => {
    const text = [
      '{"prompt":"2+2?","chosen":"4","rejected":"5"}',
      '{"prompt":[{"role":"system","content":"S"},{"role":"user","content":"Q"}],"chosen":"A","rejected":"B"}',
      '{"chosen":[{"role":"user","content":"Q"},{"role":"assistant","content":"A"}],"rejected":[{"role":"user","content":"Q"},{"role":"assistant","content":"B"}]}',
      '{"chosen":"A","rejected":"B"}',
      '{"prompt":"Q","chosen":"same","rejected":"same"}',
      '{"prompt":"Q","chosen":[{"role":"user","content":"more"}],"rejected":"B"}',
      '{"prompt":"Q","chosen":"A"}',
    ].join('\n');
    const r = parsePairsJsonl(text);
    expect(r.records[0]).toEqual({ chosen: [{ role: 'user', content: '2+2?' }, { role: 'assistant', content: '4' }], rejected: [{ role: 'user', content: '2+2?' }, { role: 'assistant', content: '5' }] });
    expect(r.records[1].chosen).toEqual([{ role: 'system', content: 'S' }, { role: 'user', content: 'Q' }, { role: 'assistant', content: 'A' }]);
    expect(r.records[2].rejected).toEqual([{ role: 'user', content: 'Q' }, { role: 'assistant', content: 'B' }]);
    expect(r.records.length).toBe(3);
    expect(r.problems.map((p) => [p.line, p.reason])).toEqual([
      [4, 'a reply given as a string needs a "prompt"'],
      [5, 'chosen and rejected are the same conversation'],
      [6, 'chosen must end with an assistant message (the reply being compared)'],
      [7, 'expected "chosen" and "rejected"'],
    ]);
  });
});
