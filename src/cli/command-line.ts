// The runner's whole command line: the common options, each stage's own, and the --help text, all
// from the option specs so they cannot drift apart. Parsing only; files are checked by preflight.ts.
import { parseOptions, peekStage, helpText, type ArgSpec, type ParsedArgs } from './args';
import type { CliStage } from './stage';
import { STAGES } from './stages';
import { HF_OPTIONS } from './hf-io';

const STAGE_NAMES = STAGES.map((s) => s.name);

const COMMON = {
  stage: { kind: 'string', choices: STAGE_NAMES, help: 'training stage (default pretrain)' },
  adapter: { kind: 'string', choices: ['auto', 'swiftshader', 'llvmpipe', 'default'], help: 'auto (default): a hardware GPU if any, else llvmpipe, else SwiftShader; default: the system\'s adapter, no fallback' },
  help: { kind: 'flag', help: 'show this help (also -h)' },
  ...HF_OPTIONS,
} satisfies ArgSpec;

export function usage(): string {
  return [`Usage: npm run train -- [--stage NAME] [options]   (--key value and --key=value both work)\n\nCommon options:\n${helpText(COMMON)}`,
    ...STAGES.map((s: CliStage) => `\n--stage ${s.name}: ${s.summary}\n${helpText(s.options)}`)].join('\n');
}

/** The stage and its checked options, or undefined when --help was asked for. */
export function parseCommandLine(argv: readonly string[]): { stage: CliStage; args: ParsedArgs } | undefined {
  const peek = peekStage(argv, 'pretrain');
  if (peek.help) return undefined;
  if (peek.stage.startsWith('-')) throw new Error(`--stage needs a value: ${STAGE_NAMES.join(', ')}.`);
  const stage = STAGES.find((s) => s.name === peek.stage);
  if (!stage) throw new Error(`Unknown stage "${peek.stage}". Stages: ${STAGE_NAMES.join(', ')}.`);
  const owners = (name: string) => STAGES.filter((s) => s !== stage && Object.hasOwn(s.options, name)).map((s) => s.name);
  const args = parseOptions(argv, { ...COMMON, ...stage.options }, `--stage ${stage.name}`, owners) as ParsedArgs;
  return { stage, args };
}

