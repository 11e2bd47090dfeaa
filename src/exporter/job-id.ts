import { randomBytes } from 'node:crypto';

/** A job id: a UTC timestamp and `random` random bytes in hex (the service uses more). */
export function newJobId(now: number, random = 3): string {
  const stamp = new Date(now)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${randomBytes(random).toString('hex')}`;
}
