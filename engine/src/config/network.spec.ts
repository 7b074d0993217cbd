import { expect } from 'chai';
import { isLoopbackHost } from './network.js';

describe('isLoopbackHost', () => {
  it('accepts loopback addresses only', () => {
    for (const host of [
      '127.0.0.1',
      '127.1.2.3',
      'localhost',
      'LOCALHOST',
      '::1',
      '[::1]',
      '::ffff:127.0.0.1',
    ])
      expect(isLoopbackHost(host), host).to.equal(true);
    for (const host of ['0.0.0.0', '::', '10.0.0.5', '192.168.1.2', 'example.com', '::ffff:10.0.0.1', '[::]'])
      expect(isLoopbackHost(host), host).to.equal(false);
  });
});
