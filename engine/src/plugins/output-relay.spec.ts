import { PassThrough } from 'node:stream';
import { expect } from 'chai';
import { OutputRelay } from './output-relay.js';

describe('plugin output relay', () => {
  function relay(limits = { maxLineChars: 10, maxLinesPerWindow: 3, windowMs: 1_000 }) {
    const lines: string[] = [];
    const dropped: number[] = [];
    let now = 0;
    const instance = new OutputRelay(
      (line) => lines.push(line),
      (count) => dropped.push(count),
      limits,
      () => now,
    );
    return { instance, lines, dropped, advance: (ms: number) => (now += ms) };
  }

  it('splits chunks into lines, joining partial ones, and skips blank lines', () => {
    const { instance, lines } = relay({ maxLineChars: 100, maxLinesPerWindow: 100, windowMs: 1_000 });
    instance.write('hel');
    instance.write('lo\r\nwor');
    instance.write('ld\n\n   \nlast');
    expect(lines).to.deep.equal(['hello', 'world']);
    instance.flush();
    expect(lines).to.deep.equal(['hello', 'world', 'last']);
  });

  it('cuts long lines, including a runaway line without a newline', () => {
    const { instance, lines } = relay();
    instance.write('0123456789abcdef\n');
    instance.write('x'.repeat(25));
    expect(lines).to.deep.equal(['0123456789…', 'xxxxxxxxxx…']);
  });

  it('rate-limits per window and reports what it dropped', () => {
    const { instance, lines, dropped, advance } = relay();
    instance.write('a\nb\nc\nd\ne\n');
    expect(lines).to.deep.equal(['a', 'b', 'c']);
    advance(1_000);
    instance.write('f\n');
    expect(dropped).to.deep.equal([2]);
    expect(lines).to.deep.equal(['a', 'b', 'c', 'f']);
  });

  it('reads from a stream until it ends', async () => {
    const { instance, lines } = relay({ maxLineChars: 100, maxLinesPerWindow: 100, windowMs: 1_000 });
    const stream = new PassThrough();
    instance.attach(stream);
    instance.attach(null);
    stream.write('one\ntw');
    stream.end('o');
    await new Promise((resolve) => stream.on('end', resolve));
    expect(lines).to.deep.equal(['one', 'two']);
  });
});
