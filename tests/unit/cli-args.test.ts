// The headless runner's command line (src/cli/args.ts, command-line.ts): both --key forms, and every
// kind of bad input refused with its exact message, without starting a GPU.
import { describe, expect, it } from 'vitest';
import { helpText, orList, parseOptions, peekStage, type ArgSpec } from '../../src/cli/args';
import { parseCommandLine, usage } from '../../src/cli/command-line';
import { STAGES } from '../../src/cli/stages';
import { preflight } from '../../src/cli/preflight';

const parse = (argv: string[]) => {
  const r = parseCommandLine(argv);
  if (!r) throw new Error('expected options, got --help');
  return { stage: r.stage.name, args: r.args };
};

describe('stage selection', () => {
  it('--stage=sft and --stage sft both select SFT, with its options', () => {
    for (const argv of [['--stage=sft', '--from=base.safetensors'], ['--stage', 'sft', '--from', 'base.safetensors']]) {
      expect(parse(argv)).toEqual({ stage: 'sft', args: { stage: 'sft', from: 'base.safetensors' } });
    }
  });

  it('defaults to pretrain, wherever --stage stands and whichever form it takes', () => {
    expect(parse(['--steps', '2']).stage).toBe('pretrain');
    expect(parse(['--from', 'x', '--method=dpo', '--stage=rl']).args).toEqual({ from: 'x', method: 'dpo', stage: 'rl' });
    expect(peekStage(['--prompt=--stage', '--stage', 'reward'], 'pretrain')).toEqual({ stage: 'reward', help: false });
  });

  it('refuses an unknown stage, naming the known ones', () => {
    expect(() => parse(['--stage=nope'])).toThrow('Unknown stage "nope". Stages: pretrain, sft, reward, rl.');
    expect(() => parse(['--stage', '--steps', '2'])).toThrow('--stage needs a value: pretrain, sft, reward, rl.');
    expect(() => parse(['--stage'])).toThrow('--stage needs a value.');
  });

  it('--help and -h need nothing else to be valid', () => {
    expect(parseCommandLine(['--tokenizer', 'foo', '--help'])).toBeUndefined();
    expect(parseCommandLine(['-h'])).toBeUndefined();
  });
});

describe('values', () => {
  it('--key=value and --key value give the same options', () => {
    const spaced = parse(['--steps', '20', '--lr', '3e-4', '--tokenizer', 'byte', '--llama', '--out', 'a.safetensors']);
    const joined = parse(['--steps=20', '--lr=3e-4', '--tokenizer=byte', '--llama', '--out=a.safetensors']);
    expect(joined).toEqual(spaced);
    expect(spaced.args).toEqual({ steps: 20, lr: 3e-4, tokenizer: 'byte', llama: true, out: 'a.safetensors' });
  });

  it('--tokenizer foo is refused, listing the kinds', () => {
    expect(() => parse(['--tokenizer', 'foo'])).toThrow('--tokenizer must be char, byte or bpe, got "foo".');
  });

  it('--sample-tokens 1e9 is refused with its bound', () => {
    expect(() => parse(['--sample-tokens', '1e9'])).toThrow('--sample-tokens must be between 1 and 4096, got 1e9.');
    expect(parse(['--sample-tokens', '4096']).args['sample-tokens']).toBe(4096);
  });

  it('whole numbers where whole numbers are meant; exponents are fine', () => {
    expect(() => parse(['--steps', '2.5'])).toThrow('--steps needs a whole number, got "2.5".');
    expect(() => parse(['--stage', 'rl', '--group', '3.5'])).toThrow('--group needs a whole number, got "3.5".');
    expect(parse(['--steps', '1e3']).args.steps).toBe(1000);
    expect(parse(['--lr', '0.5']).args.lr).toBe(0.5);
  });

  it('ranges are inclusive and refused outside', () => {
    expect(() => parse(['--steps=-1'])).toThrow('--steps must be between 0 and 10000000, got -1.');
    expect(() => parse(['--batch=5000'])).toThrow('--batch must be between 1 and 4096, got 5000.');
    expect(() => parse(['--seed=-1'])).toThrow('--seed must be between 0 and 4294967295, got -1.');
    expect(() => parse(['--stage', 'rl', '--group', '1'])).toThrow('--group must be between 2 and 256, got 1.');
    expect(() => parse(['--stage', 'rl', '--gamma', '1.5'])).toThrow('--gamma must be between 0 and 1, got 1.5.');
    expect(parse(['--eval-every', '0']).args['eval-every']).toBe(0);
  });

  it('only plain decimal numbers are numbers', () => {
    for (const raw of ['abc', '0x10', '', ' ', 'Infinity', 'NaN', '1e', '2_000', '1,5'])
      expect(() => parse([`--steps=${raw}`])).toThrow(`--steps needs a number, got "${raw}".`);
  });

  it('choices of every stage are checked', () => {
    expect(() => parse(['--preset', 'huge'])).toThrow('--preset must be tiny, small or gpt2, got "huge".');
    expect(() => parse(['--stage', 'rl', '--method', 'a2c'])).toThrow('--method must be ppo, grpo or dpo, got "a2c".');
    expect(() => parse(['--stage', 'sft', '--task', 'poetry'])).toThrow('--task must be all, arithmetic, strings, reverse, sort, count, world, classical, analects-continue, tang-next-line or classical-source, got "poetry".');
    expect(() => parse(['--adapter', 'cuda'])).toThrow('--adapter must be auto, swiftshader, llvmpipe or default, got "cuda".');
  });

  it('a path option cannot be empty', () => {
    expect(() => parse(['--out='])).toThrow('--out needs a file path, got "".');
  });
});

describe('refused command lines', () => {
  it('an unknown option, saying which stage has it', () => {
    expect(() => parse(['--method', 'grpo'])).toThrow('Unknown option --method for --stage pretrain. It belongs to --stage rl. See --help.');
    expect(() => parse(['--stage', 'reward', '--examples', '5'])).toThrow('Unknown option --examples for --stage reward. It belongs to --stage sft. See --help.');
    expect(() => parse(['--stpes', '5'])).toThrow('Unknown option --stpes for --stage pretrain. See --help.');
    expect(() => parse(['-s'])).toThrow('Unknown option -s for --stage pretrain. See --help.');
  });

  it('a value for a switch, a switch without a value, a value that looks like an option', () => {
    expect(() => parse(['--llama=yes'])).toThrow('--llama is a switch and takes no value.');
    expect(() => parse(['--steps'])).toThrow('--steps needs a value.');
    expect(() => parse(['--data', '--llama'])).toThrow('--data needs a value; to give one that starts with "-", write --data=VALUE.');
  });

  it('a bare argument and a repeated option', () => {
    expect(() => parse(['train.txt'])).toThrow('Unexpected argument "train.txt": options start with -- (see --help).');
    expect(() => parse(['--steps', '1', '--steps=2'])).toThrow('--steps is given more than once.');
  });
});

describe('help', () => {
  const spec = {
    n: { kind: 'number', integer: true, min: 1, max: 9, help: 'a count' },
    x: { kind: 'number', min: 0, max: 0.5, help: 'a fraction' },
    k: { kind: 'string', choices: ['a', 'b'], help: 'a kind' },
    f: { kind: 'string', path: 'input', help: 'a file' },
    s: { kind: 'flag', help: 'a switch' },
  } satisfies ArgSpec;

  it('shows each option with the values it takes, from the spec', () => {
    expect(helpText(spec).split('\n').map((l) => l.replace(/ +/g, ' '))).toEqual([
      ' --n <int 1..9> a count', ' --x <number 0..0.5> a fraction', ' --k <a|b> a kind', ' --f <file> a file', ' --s a switch',
    ]);
    expect(parseOptions(['--n=9', '--x', '.5', '--k', 'b', '--s'], spec, 'test')).toEqual({ n: 9, x: 0.5, k: 'b', s: true });
  });

  it('lists every option of every stage', () => {
    const text = usage();
    for (const s of STAGES) {
      expect(text).toContain(`--stage ${s.name}: ${s.summary}`);
      for (const name of Object.keys(s.options)) expect(text).toMatch(new RegExp(`\\n  --${name}[ \\n]`));
    }
  });

  it('orList joins like a sentence', () => {
    expect([orList([]), orList(['a']), orList(['a', 'b']), orList(['a', 'b', 'c'])]).toEqual(['', 'a', 'a or b', 'a, b or c']);
  });
});

describe('--steps 0', () => {
  it('is a conversion with --export-hf, and refused without it before anything starts', () => {
    const convert = parseCommandLine(['--from-hf', 'in', '--steps', '0', '--export-hf', 'out'])!;
    expect(() => preflight(convert.args, convert.stage.options, convert.stage.name)).not.toThrow();
    const train = parseCommandLine(['--steps=0'])!;
    expect(() => preflight(train.args, train.stage.options, train.stage.name))
      .toThrow('--steps 0 trains nothing: it only converts a model, with --export-hf DIR. Give at least 1 step to train.');
  });
});
