import { Writable } from 'node:stream';
import { expect } from 'chai';
import { createLogger } from './logger.js';
import { createProgressReporter, LogProgress, silentProgress, TtyProgress } from './progress.js';
import { SecretScrubber } from './secret-scrubber.js';

class Capture extends Writable {
  text = '';
  constructor(readonly isTTY: boolean) {
    super();
  }
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

describe('progress', () => {
  it('prints readable lines on a terminal, throttling repeats of one step', () => {
    const out = new Capture(true);
    const progress = createProgressReporter({ stream: out, logger: createLogger({ silent: true }) });
    expect(progress).to.be.instanceOf(TtyProgress);
    progress.step('markets', 'synced 500/2000');
    progress.step('markets', 'synced 1000/2000');
    progress.step('subscriptions', '20 connections');
    progress.done('3 strategies');
    const lines = out.text.trimEnd().split('\n');
    expect(lines).to.have.length(3);
    expect(lines[0]).to.match(/^ {2}\[ +\d+\.\ds\] markets: synced 500\/2000$/);
    expect(lines[1]).to.match(/subscriptions: 20 connections$/);
    expect(lines[2]).to.match(/ready: 3 strategies$/);
  });

  it('logs steps elsewhere', () => {
    const out = new Capture(false);
    const logger = createLogger({ stream: out, json: true, scrubber: new SecretScrubber() });
    const progress = createProgressReporter({ stream: out, logger });
    expect(progress).to.be.instanceOf(LogProgress);
    progress.step('markets');
    progress.done();
    const lines = out.text
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).to.include({ message: 'startup: markets', step: 'markets', level: 'info' });
    expect(lines[1]).to.include({ message: 'startup complete' });
  });

  it('has a silent variant', () => {
    expect(() => {
      silentProgress.step('x');
      silentProgress.done();
    }).not.to.throw();
  });
});
