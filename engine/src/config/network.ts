import { isIP } from 'node:net';

/**
 * True when a bind address only accepts connections from this machine. `0.0.0.0`, `::` and every
 * routable address are not; a hostname other than `localhost` is not either, since it may resolve
 * anywhere.
 */
export function isLoopbackHost(host: string): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (bare.toLowerCase() === 'localhost') return true;
  switch (isIP(bare)) {
    case 4:
      return bare.startsWith('127.');
    case 6: {
      const lower = bare.toLowerCase();
      if (lower === '::1' || lower === '0:0:0:0:0:0:0:1') return true;
      const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
      return mapped?.[1] !== undefined && mapped[1].startsWith('127.');
    }
    default:
      return false;
  }
}
