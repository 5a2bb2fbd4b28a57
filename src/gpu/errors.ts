// Typed GPU errors with messages a person can act on.
// Does not decide what to do about them: callers (trainer, UI) catch and report.

export type GpuErrorKind = 'no-webgpu' | 'no-adapter' | 'limit' | 'validation' | 'out-of-memory' | 'internal' | 'device-lost';

export class GpuError extends Error {
  constructor(
    readonly kind: GpuErrorKind,
    message: string,
    readonly hint = '',
  ) {
    super(hint ? `${message} ${hint}` : message);
    this.name = 'GpuError';
  }
}

/** Turns a popped error scope into a GpuError (or null when the scope was clean). */
export function fromScopeError(err: GPUError | null, what: string): GpuError | null {
  if (!err) return null;
  const type = err.constructor?.name ?? '';
  if (type === 'GPUOutOfMemoryError')
    return new GpuError('out-of-memory', `The GPU ran out of memory during ${what}.`, 'Try a smaller model, batch or context length.');
  if (type === 'GPUValidationError')
    return new GpuError('validation', `WebGPU rejected ${what}: ${err.message}`, 'This is a bug in TabGPT; please report it.');
  return new GpuError('internal', `The GPU reported an internal error during ${what}: ${err.message}`, 'Reload the page; if it persists, try a smaller model.');
}
