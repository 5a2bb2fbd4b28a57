// Numbers in words for people: byte sizes. Used by every layer that talks about memory or files
// (GPU limits, checkpoint storage, the UI), so it lives at the bottom, importing nothing.

/** 1536 → "1.50 KiB": binary units, three significant digits. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return `${v.toFixed(v < 10 ? 2 : 1)} ${units[i]}`;
}
