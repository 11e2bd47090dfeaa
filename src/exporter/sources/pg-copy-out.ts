/**
 * `COPY … TO STDOUT` of one key range into one buffer, as a node-postgres submittable.
 *
 * Like pg-copy-streams, it takes the connection's socket bytes while the COPY runs instead
 * of letting pg build a message object per row; unlike it, it does not stream: a range is
 * bounded (chunk_size rows), so its bytes are collected in a reusable buffer. PostgreSQL
 * sends exactly one CopyData message per row (protocol, "COPY Operations"), so rows are
 * counted without looking inside them, and the first and last row are located for their key.
 */
import type { Socket } from 'node:net';
import type { GrowableBytes } from '../growable-bytes.js';

const COPY_DATA = 0x64; // 'd'
const COPY_DONE = 0x63; // 'c'
const ERROR_RESPONSE = 0x45; // 'E'
/** Messages the backend may send in the middle of a copy-out, besides CopyData. */
const INTERSPERSED = new Set([
  0x48, // CopyOutResponse 'H'
  0x4e, // NoticeResponse 'N'
  0x53, // ParameterStatus 'S'
  0x41, // NotificationResponse 'A'
]);

export interface CopyOutResult {
  /** The rows' CSV bytes (a view into the caller's GrowableBytes). */
  data: Buffer;
  rows: number;
  /** Byte ranges of the first and last row within `data` (without the row's LF). */
  first?: [number, number];
  last?: [number, number];
}

interface PgConnection {
  stream: Socket;
  query(text: string): void;
}

type DataListener = (chunk: Buffer) => void;

export class CopyOutQuery {
  readonly done: Promise<CopyOutResult>;
  #resolve!: (r: CopyOutResult) => void;
  #reject!: (e: unknown) => void;
  #settled = false;
  #connection: PgConnection | undefined;
  #pgListener: DataListener | undefined;
  /** Header bytes of a message split across socket chunks. */
  #header = Buffer.alloc(5);
  #headerHave = 0;
  #type = 0;
  /** Payload bytes of the current message still to come. */
  #remaining = 0;
  #rows = 0;
  #first: [number, number] | undefined;
  #lastStart = -1;

  constructor(
    readonly text: string,
    readonly out: GrowableBytes,
  ) {
    out.length = 0;
    this.done = new Promise<CopyOutResult>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    // Awaited by the caller; a range abandoned after another failed must not go unhandled.
    this.done.catch(() => {});
  }

  /** Called by pg when this query's turn comes on the connection. */
  submit(connection: PgConnection): void {
    this.#connection = connection;
    const listeners = connection.stream.listeners('data') as DataListener[];
    if (listeners.length !== 1) throw new Error('unexpected listeners on the PostgreSQL socket');
    this.#pgListener = listeners[0];
    connection.stream.removeListener('data', this.#pgListener);
    connection.stream.on('data', this.#onData);
    connection.query(this.text);
  }

  #onData = (chunk: Buffer): void => {
    const len = chunk.length;
    let p = 0;
    while (p < len) {
      if (this.#remaining > 0) {
        const n = Math.min(this.#remaining, len - p);
        if (this.#type === COPY_DATA) this.#append(chunk, p, p + n);
        this.#remaining -= n;
        p += n;
        if (this.#remaining === 0 && this.#type === COPY_DATA) this.#rowEnded();
        continue;
      }
      // A message header: type byte and a length that counts itself.
      if (this.#headerHave === 0 && len - p >= 5) {
        this.#type = chunk[p];
        if (!this.#startMessage(chunk.readUInt32BE(p + 1) - 4)) {
          this.#handBack(chunk.subarray(p));
          return;
        }
        p += 5;
        continue;
      }
      const take = Math.min(5 - this.#headerHave, len - p);
      chunk.copy(this.#header, this.#headerHave, p, p + take);
      this.#headerHave += take;
      if (this.#headerHave < 5) return;
      this.#headerHave = 0;
      this.#type = this.#header[0];
      if (!this.#startMessage(this.#header.readUInt32BE(1) - 4)) {
        this.#handBack(Buffer.concat([this.#header, chunk.subarray(p + take)]));
        return;
      }
      p += take;
    }
  };

  /** Starts a message of `length` payload bytes; false when pg must take over from here. */
  #startMessage(length: number): boolean {
    const t = this.#type;
    if (t === ERROR_RESPONSE || t === COPY_DONE || (t !== COPY_DATA && !INTERSPERSED.has(t))) return false;
    this.#remaining = length;
    if (t === COPY_DATA) {
      this.#lastStart = this.out.length;
      if (length === 0) this.#rowEnded();
    }
    return true;
  }

  #append(chunk: Buffer, from: number, to: number): void {
    const buf = this.out.reserve(to - from);
    chunk.copy(buf, this.out.length, from, to);
    this.out.length += to - from;
  }

  #rowEnded(): void {
    this.#rows++;
    if (this.#first === undefined) this.#first = [this.#lastStart, rowEnd(this.out, this.#lastStart)];
  }

  /** Gives the socket back to pg with the bytes it has yet to parse (CopyDone or an error onward). */
  #handBack(rest: Buffer): void {
    const stream = this.#connection!.stream;
    stream.removeListener('data', this.#onData);
    stream.on('data', this.#pgListener!);
    this.#pgListener!(rest);
  }

  handleCommandComplete(): void {}

  /** pg only parses what is handed back (CopyDone or an error onward): a row here would be lost. */
  handleCopyData(): void {
    this.handleError(new Error('COPY data reached the connection after the range reader handed it back'));
  }

  handleReadyForQuery(): void {
    if (this.#settled) return;
    this.#settled = true;
    const data = this.out.view();
    this.#resolve({
      data,
      rows: this.#rows,
      first: this.#first,
      last: this.#rows > 0 ? [this.#lastStart, rowEnd(this.out, this.#lastStart)] : undefined,
    });
  }

  handleError(err: unknown): void {
    if (this.#settled) return;
    this.#settled = true;
    // The socket may have closed while this query held it: give it back so pg sees the end.
    const stream = this.#connection?.stream;
    if (stream?.listeners('data').includes(this.#onData)) {
      stream.removeListener('data', this.#onData);
      stream.on('data', this.#pgListener!);
    }
    this.#reject(err);
  }
}

/** End of the row that starts at `start` (before its LF): rows are LF-terminated in CSV. */
function rowEnd(out: GrowableBytes, start: number): number {
  const end = out.length;
  return end > start && out.view()[end - 1] === 0x0a ? end - 1 : end;
}
