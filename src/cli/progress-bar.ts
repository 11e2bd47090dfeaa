/** A one-line progress bar (rows, rate, ETA) for a TTY stderr. */
import type { ExportProgress } from '../exporter/index.js';

const WIDTH = 24;

function compact(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(0)}k`;
  return String(Math.round(n));
}

function eta(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--';
  if (seconds < 60) return `${Math.ceil(seconds)}s`;
  return `${Math.floor(seconds / 60)}m${String(Math.ceil(seconds % 60)).padStart(2, '0')}s`;
}

export function renderProgress(p: ExportProgress): string {
  const rate = p.elapsedMs > 0 ? (p.rows * 1000) / p.elapsedMs : 0;
  const rows = `${p.rows.toLocaleString('en-US')}${p.total !== undefined ? `/${p.total.toLocaleString('en-US')}` : ''} rows`;
  const speed = `${compact(rate)} rows/s`;
  if (p.total === undefined || p.total === 0) return `${rows}  ${speed}`;
  const frac = Math.min(1, p.rows / p.total);
  const filled = Math.round(frac * WIDTH);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}]`;
  return `${bar} ${(frac * 100).toFixed(0).padStart(3)}%  ${rows}  ${speed}  ETA ${eta((p.total - p.rows) / rate)}`;
}

export class ProgressBar {
  #shown = false;
  constructor(readonly stream: NodeJS.WriteStream) {}

  update(p: ExportProgress): void {
    this.stream.write(`\r\u001b[2K${renderProgress(p)}`);
    this.#shown = true;
  }

  /** Clears the line (before a log line, and at the end). */
  clear(): void {
    if (!this.#shown) return;
    this.stream.write('\r\u001b[2K');
    this.#shown = false;
  }
}
