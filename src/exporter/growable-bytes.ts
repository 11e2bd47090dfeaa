/**
 * A byte buffer that grows by doubling and is reused: the UTF-8 scratch of the in-thread
 * writer, a range worker's output (its ArrayBuffer is transferred to the job thread and
 * comes back for reuse), a COPY range's rows. No allocation per batch, so memory stays flat
 * instead of waiting for the GC to notice external buffers.
 */
export class GrowableBytes {
  #ab: ArrayBuffer;
  #buf: Buffer;
  /** Bytes written so far; set to 0 to reuse the buffer. */
  length = 0;

  constructor(initial: ArrayBuffer | number = 1 << 20) {
    this.#ab = typeof initial === 'number' ? new ArrayBuffer(initial) : initial;
    this.#buf = Buffer.from(this.#ab);
  }

  /** Room for `n` more bytes; returns the buffer to write them into at `length`. */
  reserve(n: number): Buffer {
    if (this.length + n > this.#ab.byteLength) {
      const ab = new ArrayBuffer(Math.max(this.#ab.byteLength * 2, this.length + n));
      const buf = Buffer.from(ab);
      this.#buf.copy(buf, 0, 0, this.length);
      this.#ab = ab;
      this.#buf = buf;
    }
    return this.#buf;
  }

  writeUtf8(text: string): void {
    // 3 bytes per UTF-16 unit is the most UTF-8 needs.
    this.length += this.reserve(text.length * 3).write(text, this.length, 'utf8');
  }

  writeBytes(bytes: Uint8Array): void {
    this.reserve(bytes.length).set(bytes, this.length);
    this.length += bytes.length;
  }

  /** The bytes written so far: a view, valid until the next write or reuse. */
  view(): Buffer {
    return this.#buf.subarray(0, this.length);
  }

  /** The whole underlying ArrayBuffer (to transfer to another thread). */
  get arrayBuffer(): ArrayBuffer {
    return this.#ab;
  }
}
