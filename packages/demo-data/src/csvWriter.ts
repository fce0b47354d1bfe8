import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';

const needsQuotes = /[",\r\n]/;
/** Characters gathered before encoding into the chunk: large enough to amortise the native call. */
const pendingLimit = 1 << 15;

/** One RFC 4180 field: quoted, with inner quotes doubled, only when it holds a comma, quote or line break. */
export function csvField(value: string): string {
  return needsQuotes.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/**
 * A CSV file written through an fs stream in ~1 MB chunks (Buffers). Two ways in:
 * - `write(rows)`: rows as strings, gathered a few hundred at a time and then encoded as UTF-8 (a long
 *   string rope kept until a 1 MB chunk was full cost more in garbage collection than the simulation);
 * - `reserve` then `byte`/`ascii`/`uint`/`zeroPadded`/`cents`: ASCII written straight into the chunk,
 *   no strings at all, for the ten million order lines where string building and encoding dominated.
 * `flush` waits for 'drain' when the stream's queue is over its high-water mark, so memory stays flat
 * however large the file grows.
 */
export class CsvWriter {
  private readonly stream: WriteStream;
  private chunk: Buffer;
  private offset = 0;
  private pending = '';
  private closed = false;
  /** A stream error seen while no one was awaiting; rethrown by the next flush or close. */
  private failure: Error | undefined;

  constructor(
    readonly path: string,
    header: readonly string[],
    private readonly chunkSize = 1 << 20,
  ) {
    this.stream = createWriteStream(path, { highWaterMark: 4 * chunkSize });
    this.stream.on('error', (error) => {
      this.failure = error;
    });
    this.chunk = Buffer.allocUnsafe(chunkSize);
    this.write(`${header.join(',')}\n`);
  }

  /** Appends one or more rows; `rows` is already CSV-encoded, each row ending with '\n'. */
  write(rows: string): void {
    this.pending += rows;
    if (this.pending.length >= pendingLimit) this.encodePending();
  }

  /** Makes room for `bytes` more bytes of byte-level writing (and keeps rows written as strings first). */
  reserve(bytes: number): void {
    if (this.pending.length > 0) this.encodePending();
    if (this.offset + bytes > this.chunk.length) {
      this.handOver();
      if (bytes > this.chunk.length)
        throw new Error(`cannot reserve ${bytes} bytes in a ${this.chunkSize}-byte chunk`);
    }
  }

  /** One byte (an ASCII code); within a `reserve`d span, as are all byte-level writes. */
  byte(code: number): void {
    this.chunk[this.offset++] = code;
  }

  /** A string known to be ASCII (ids, numbers, catalogue names), byte by byte. */
  ascii(text: string): void {
    const chunk = this.chunk;
    let offset = this.offset;
    for (let i = 0; i < text.length; i++) chunk[offset++] = text.charCodeAt(i);
    this.offset = offset;
  }

  /** A non-negative integer in decimal. */
  uint(value: number): void {
    this.zeroPadded(value, 1);
  }

  /** A non-negative integer in decimal, left-padded with zeros to at least `width` digits. */
  zeroPadded(value: number, width: number): void {
    let digits = 1;
    for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) digits++;
    if (digits < width) digits = width;
    const chunk = this.chunk;
    let rest = value;
    for (let i = this.offset + digits - 1; i >= this.offset; i--) {
      const next = Math.floor(rest / 10);
      chunk[i] = 48 + rest - next * 10;
      rest = next;
    }
    this.offset += digits;
  }

  /** An amount in cents as a decimal with two places, e.g. 1234 → 12.34. */
  cents(value: number): void {
    const whole = Math.floor(value / 100);
    this.uint(whole);
    this.chunk[this.offset++] = 46;
    this.zeroPadded(value - whole * 100, 2);
  }

  /** Waits while the stream holds more than its high-water mark; call it between batches of rows. */
  async flush(): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.stream.writableNeedDrain) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.encodePending();
    this.handOver();
    if (this.failure) throw this.failure;
    this.stream.end();
    await once(this.stream, 'finish');
    if (this.failure) throw this.failure;
  }

  /** Closes the underlying file without waiting, after a failure elsewhere. */
  destroy(): void {
    this.closed = true;
    this.stream.destroy();
  }

  private encodePending(): void {
    const rows = this.pending;
    this.pending = '';
    // A UTF-16 code unit never takes more than 3 bytes in UTF-8.
    if (this.offset + rows.length * 3 > this.chunk.length) {
      this.handOver();
      if (rows.length * 3 > this.chunk.length) {
        this.stream.write(rows, 'utf8');
        return;
      }
    }
    this.offset += this.chunk.write(rows, this.offset, 'utf8');
  }

  /** Gives the filled part of the chunk to the stream, which keeps it until written, and starts a new one. */
  private handOver(): void {
    if (this.offset === 0) return;
    this.stream.write(this.chunk.subarray(0, this.offset));
    this.chunk = Buffer.allocUnsafe(this.chunkSize);
    this.offset = 0;
  }
}
