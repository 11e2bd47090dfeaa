/**
 * The range COPY reader's message parsing, byte by byte: PostgreSQL's socket reads split
 * messages anywhere (inside a header, inside a row), and every split must give the same
 * rows. The real-server round trips are in postgres-export.test.ts.
 */
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { GrowableBytes } from '../../src/exporter/growable-bytes.js';
import { CopyOutQuery } from '../../src/exporter/sources/pg-copy-out.js';

function message(type: string, payload: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeUInt32BE(payload.length + 4, 1);
  return Buffer.concat([head, payload]);
}

const ROWS = ['1,plain\n', '2,"quoted, comma"\n', '3,"multi\nline"\n', '4,\n', '5,北京 😀\n'];

/** What the server sends for a COPY of ROWS, then what pg itself parses afterwards. */
function stream(): { copy: Buffer; after: Buffer } {
  const copy = Buffer.concat([
    message('H', Buffer.from([0, 0, 2, 0, 0, 0, 0])),
    message('N', Buffer.from('notice\0')),
    ...ROWS.map((r) => message('d', Buffer.from(r))),
  ]);
  const after = Buffer.concat([
    message('c', Buffer.alloc(0)),
    message('C', Buffer.from('COPY 5\0')),
    message('Z', Buffer.from('I')),
  ]);
  return { copy, after };
}

/** A pg connection stand-in: a socket whose one 'data' listener is pg's parser. */
function connection() {
  const socket = new EventEmitter();
  const handedBack: Buffer[] = [];
  socket.on('data', (b: Buffer) => handedBack.push(b));
  return { conn: { stream: socket, query: () => {} }, socket, handedBack };
}

describe('range COPY reader', () => {
  it('collects the rows, counts them by message and finds the first and last row, whatever the splits', async () => {
    const { copy, after } = stream();
    const all = Buffer.concat([copy, after]);
    for (let split = 1; split < all.length; split++) {
      const { conn, socket, handedBack } = connection();
      const q = new CopyOutQuery('COPY …', new GrowableBytes(16));
      q.submit(conn as never);
      socket.emit('data', all.subarray(0, split));
      socket.emit('data', all.subarray(split));
      // pg got exactly the bytes from CopyDone on, and would then call handleReadyForQuery.
      expect(Buffer.concat(handedBack).equals(after)).toBe(true);
      q.handleReadyForQuery();
      const r = await q.done;
      expect(r.rows).toBe(ROWS.length);
      expect(r.data.toString()).toBe(ROWS.join(''));
      expect(r.data.subarray(...r.first!).toString()).toBe('1,plain');
      expect(r.data.subarray(...r.last!).toString()).toBe('5,北京 😀');
    }
  });

  it('hands an error back to pg at once and fails with it', async () => {
    const { conn, socket, handedBack } = connection();
    const q = new CopyOutQuery('COPY …', new GrowableBytes());
    q.submit(conn as never);
    const err = message('E', Buffer.from('SERROR\0Mboom\0\0'));
    socket.emit(
      'data',
      Buffer.concat([message('H', Buffer.from([0, 0, 0])), message('d', Buffer.from('1\n')), err]),
    );
    expect(Buffer.concat(handedBack).equals(err)).toBe(true);
    q.handleError(new Error('boom'));
    await expect(q.done).rejects.toThrow('boom');
  });
});
