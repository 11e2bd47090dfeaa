/**
 * The temporary file a job writes beside its target. Opening it truncates to the last
 * checkpoint (bytes past it were never acknowledged) and re-hashes what is kept, so a
 * resumed file hashes exactly like an uninterrupted one. `commit` fsyncs and renames.
 */
import { createHash, type Hash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ExportError, classifyOutputError } from './errors.js';

export class OutputFile {
  #fd: number;
  #hash: Hash;
  #bytes: number;

  private constructor(
    readonly tempFile: string,
    fd: number,
    hash: Hash,
    bytes: number,
  ) {
    this.#fd = fd;
    this.#hash = hash;
    this.#bytes = bytes;
  }

  /** Opens (or creates, when `bytes` is 0) the temporary file at a checkpoint of `bytes`. */
  static open(tempFile: string, bytes: number): OutputFile {
    try {
      fs.mkdirSync(path.dirname(tempFile), { recursive: true });
      const hash = createHash('sha256');
      if (bytes === 0) {
        // Created afresh and exclusively: whatever sits under the name (a leftover, or a link
        // planted to make us truncate another file) is removed, never followed.
        fs.rmSync(tempFile, { force: true });
        return new OutputFile(tempFile, fs.openSync(tempFile, 'wx', 0o644), hash, 0);
      }
      let fd: number;
      try {
        fd = fs.openSync(tempFile, 'r+');
      } catch {
        throw new ExportError('CONFIG_INVALID', `cannot resume: the partial file ${tempFile} is gone`);
      }
      const size = fs.fstatSync(fd).size;
      if (size < bytes) {
        fs.closeSync(fd);
        throw new ExportError('CONFIG_INVALID', `cannot resume: ${tempFile} is shorter than its checkpoint`);
      }
      fs.ftruncateSync(fd, bytes);
      const buf = Buffer.allocUnsafe(1 << 20);
      for (let at = 0; at < bytes; ) {
        const n = fs.readSync(fd, buf, 0, Math.min(buf.length, bytes - at), at);
        if (n <= 0) throw new Error(`short read of ${tempFile}`);
        hash.update(buf.subarray(0, n));
        at += n;
      }
      return new OutputFile(tempFile, fd, hash, bytes);
    } catch (err) {
      throw classifyOutputError(err, tempFile);
    }
  }

  get bytes(): number {
    return this.#bytes;
  }

  write(data: Uint8Array): void {
    try {
      let off = 0;
      while (off < data.length) {
        off += fs.writeSync(this.#fd, data, off, data.length - off, this.#bytes + off);
      }
    } catch (err) {
      throw classifyOutputError(err, this.tempFile);
    }
    this.#hash.update(data);
    this.#bytes += data.length;
  }

  /** Makes every byte written so far durable (before a checkpoint records it). */
  sync(): void {
    try {
      fs.fsyncSync(this.#fd);
    } catch (err) {
      throw classifyOutputError(err, this.tempFile);
    }
  }

  /** `sync` off the thread: rows keep flowing while the disk catches up. */
  syncAsync(): Promise<void> {
    return new Promise((resolve, reject) => {
      fs.fsync(this.#fd, (err) => (err ? reject(classifyOutputError(err, this.tempFile)) : resolve()));
    });
  }

  /** sha256 of the whole file; call once, at the end. */
  digest(): string {
    return this.#hash.digest('hex');
  }

  close(): void {
    if (this.#fd < 0) return;
    try {
      fs.closeSync(this.#fd);
    } finally {
      this.#fd = -1;
    }
  }

  /** fsync, close, rename over `finalPath`, fsync the directory. */
  commit(finalPath: string): void {
    try {
      this.sync();
      this.close();
      fs.renameSync(this.tempFile, finalPath);
      syncDir(path.dirname(finalPath));
    } catch (err) {
      throw classifyOutputError(err, finalPath);
    }
  }
}

export function syncDir(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Writes a small file atomically: temp, fsync, rename. */
export function writeFileAtomic(file: string, text: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}
