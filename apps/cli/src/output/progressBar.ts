const WIDTH = 28;
const SHOW_AFTER_MS = 1500;

/**
 * A one-line progress bar on stderr for work that takes more than a moment; silent when stderr is
 * not a terminal (logs, pipes, CI) or when the work finishes quickly.
 */
export class ProgressBar {
  private readonly started = Date.now();
  private shown = false;
  private lastDraw = 0;

  constructor(private readonly enabled: boolean) {}

  update(label: string, percent: number | null): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.started < SHOW_AFTER_MS || now - this.lastDraw < 100) return;
    this.lastDraw = now;
    this.shown = true;
    const seconds = ((now - this.started) / 1000).toFixed(0);
    let bar = '';
    if (percent === null) {
      bar = `[${' '.repeat(WIDTH)}]    ?%`;
    } else {
      const filled = Math.round((Math.min(100, Math.max(0, percent)) / 100) * WIDTH);
      bar = `[${'█'.repeat(filled)}${'░'.repeat(WIDTH - filled)}] ${percent.toFixed(0).padStart(3)}%`;
    }
    process.stderr.write(`\r\x1b[2K${bar}  ${label}  ${seconds}s`);
  }

  done(): void {
    if (this.shown) process.stderr.write('\r\x1b[2K');
    this.shown = false;
  }
}
