// One error type for everything that can be wrong with a Hugging Face folder or export: a one-line
// message that names the file, field or tensor and says what to do. Thrown by src/hf/*.
export class HfError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HfError';
  }
}

export function hfFail(message: string): never {
  throw new HfError(message);
}

export type Json = Record<string, unknown>;

export const isObject = (x: unknown): x is Json => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Parses a JSON file of the folder, naming it when it is not valid JSON or not an object. */
export function parseJsonFile(bytes: Uint8Array, file: string): Json {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    hfFail(`${file} is not valid JSON (${(e as Error).message}).`);
  }
  if (!isObject(value)) hfFail(`${file} must hold a JSON object.`);
  return value;
}
