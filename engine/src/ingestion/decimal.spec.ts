import { expect } from 'chai';
import { isDecimalText, numberToDecimalText, parseDecimal, priceToUnits } from './decimal.js';
import { parseUtcDate } from './utc-date.js';
import { toPriceLevels } from './book-levels.js';

describe('ingestion decimals', () => {
  it('parses plain decimals exactly as Number() does', () => {
    for (const text of [
      '0',
      '5',
      '0.48',
      '0.955',
      '3181.31',
      '219.217767',
      '0.0025',
      '1',
      '1000000.000001',
    ]) {
      expect(parseDecimal(text), text).to.equal(Number(text));
    }
    expect(parseDecimal('12345678901234567890.5')).to.equal(Number('12345678901234567890.5'));
  });

  it('rejects anything that is not a plain non-negative decimal', () => {
    for (const text of [
      '',
      '-1',
      '+1',
      '1e3',
      '0x10',
      ' 1',
      '1 ',
      '.5',
      '5.',
      '1.2.3',
      'abc',
      'NaN',
      '1,5',
    ]) {
      expect(parseDecimal(text), JSON.stringify(text)).to.be.NaN;
    }
    expect(parseDecimal('1'.repeat(65))).to.be.NaN;
    expect(isDecimalText('0.5')).to.equal(true);
    expect(isDecimalText(0.5)).to.equal(false);
  });

  it('renders JSON numbers as plain decimal text, exponents included', () => {
    expect(numberToDecimalText(0.01)).to.equal('0.01');
    expect(numberToDecimalText(0.0025)).to.equal('0.0025');
    expect(numberToDecimalText(5)).to.equal('5');
    expect(numberToDecimalText(1e-7)).to.equal('0.0000001');
    expect(numberToDecimalText(1.5e-7)).to.equal('0.00000015');
    expect(numberToDecimalText(2e21)).to.equal('2000000000000000000000');
    expect(numberToDecimalText(1.25e21)).to.equal('1250000000000000000000');
    expect(numberToDecimalText(-1e-7)).to.equal('-0.0000001');
    expect(() => numberToDecimalText(Number.NaN)).to.throw(RangeError);
  });

  it('compares prices in integer units, so a 10¢ gap is exactly 10¢', () => {
    expect(Math.abs(0.95 - 0.85) > 0.1).to.equal(false);
    expect(Math.abs(priceToUnits(0.95) - priceToUnits(0.85))).to.equal(priceToUnits(0.1));
    expect(Math.abs(priceToUnits(0.96) - priceToUnits(0.85)) > priceToUnits(0.1)).to.equal(true);
  });
});

describe('parseUtcDate (G7)', () => {
  // Run in a zone far from UTC so a local-time reading would show.
  let savedTz: string | undefined;
  before(() => {
    savedTz = process.env.TZ;
    process.env.TZ = 'America/New_York';
  });
  after(() => {
    if (savedTz === undefined) delete process.env.TZ;
    else process.env.TZ = savedTz;
  });

  it('reads a zone-less date-time as UTC, not host-local time', () => {
    // Precondition: plain JavaScript would read it as New York time here.
    expect(new Date('2025-12-31T17:15:00').toISOString()).to.equal('2025-12-31T22:15:00.000Z');
    expect(parseUtcDate('2025-12-31T17:15:00')?.toISOString()).to.equal('2025-12-31T17:15:00.000Z');
    expect(parseUtcDate('2025-12-31 17:15:00')?.toISOString()).to.equal('2025-12-31T17:15:00.000Z');
    expect(parseUtcDate('2025-12-31T17:15:00.5')?.toISOString()).to.equal('2025-12-31T17:15:00.500Z');
  });

  it('keeps explicit zones and plain dates', () => {
    expect(parseUtcDate('2025-12-31T17:15:00Z')?.toISOString()).to.equal('2025-12-31T17:15:00.000Z');
    expect(parseUtcDate('2025-12-31T12:15:00-05:00')?.toISOString()).to.equal('2025-12-31T17:15:00.000Z');
    expect(parseUtcDate('2025-12-31T17:15:00+00')?.toISOString()).to.equal('2025-12-31T17:15:00.000Z');
    expect(parseUtcDate('2025-12-31')?.toISOString()).to.equal('2025-12-31T00:00:00.000Z');
  });

  it('returns null for text that is not a date', () => {
    for (const text of ['', 'soon', '12/31/2025', '2025-13-45T99:99:99Z'])
      expect(parseUtcDate(text), text).to.equal(null);
  });
});

describe('toPriceLevels', () => {
  const level = (price: string, size = '10') => ({ price, size });

  it('orders the venue best-last arrays best first', () => {
    const bids = toPriceLevels([level('0.01'), level('0.68'), level('0.69')], 'bids');
    const asks = toPriceLevels([level('0.99'), level('0.8'), level('0.75')], 'asks');
    expect((bids as { priceText: string }[]).map((l) => l.priceText)).to.deep.equal(['0.69', '0.68', '0.01']);
    expect((asks as { priceText: string }[]).map((l) => l.priceText)).to.deep.equal(['0.75', '0.8', '0.99']);
  });

  it('accepts best-first and unordered input, drops empty levels and duplicate prices', () => {
    const bestFirst = toPriceLevels([level('0.5'), level('0.4')], 'bids') as { price: number }[];
    expect(bestFirst.map((l) => l.price)).to.deep.equal([0.5, 0.4]);
    const unordered = toPriceLevels(
      [level('0.6'), level('0.4'), level('0.5'), level('0.3', '0')],
      'asks',
    ) as {
      price: number;
    }[];
    expect(unordered.map((l) => l.price)).to.deep.equal([0.4, 0.5, 0.6]);
    const dupes = toPriceLevels([level('0.4', '1'), level('0.4', '2'), level('0.5')], 'bids') as {
      price: number;
    }[];
    expect(dupes.map((l) => l.price)).to.deep.equal([0.5, 0.4]);
  });

  it('names the malformed level', () => {
    expect(toPriceLevels('x', 'bids')).to.equal('bids is not an array');
    expect(toPriceLevels([null], 'asks')).to.equal('asks[0] is not an object');
    expect(toPriceLevels([{ price: 0.5, size: '1' }], 'bids')).to.equal('bids[0].price is not a string');
    expect(toPriceLevels([{ price: '0.5', size: 1 }], 'bids')).to.equal('bids[0].size is not a string');
    expect(toPriceLevels([level('1.5')], 'bids')).to.match(/price "1.5" is not a price/);
    expect(toPriceLevels([level('0.5', '-3')], 'bids')).to.match(/size "-3" is not a decimal/);
  });
});
