import { expect } from 'chai';
import { StorageInputError } from './errors.js';
import { parseInt8, parseNaiveTimestamp, typeOverrides } from './pg.js';
import { clampLimit, toDecimal, toDecimalOrNull, toJson, toTimestamp, toTimestampOrNull } from './values.js';

describe('storage values', () => {
  describe('toDecimal', () => {
    it('keeps exact decimal text as it is', () => {
      expect(toDecimal('0.955')).to.equal('0.955');
      expect(toDecimal(' 12.50 ')).to.equal('12.50');
      expect(toDecimal('-1e-7')).to.equal('-1e-7');
      expect(toDecimal('.5')).to.equal('.5');
    });

    it('writes numbers in their shortest round-trip form', () => {
      expect(toDecimal(0.95)).to.equal('0.95');
      expect(toDecimal(20)).to.equal('20');
    });

    it('refuses what is not a finite decimal, naming the field', () => {
      expect(() => toDecimal(Number.NaN, 'price')).to.throw(
        StorageInputError,
        /price must be a finite number/,
      );
      expect(() => toDecimal(Infinity)).to.throw(StorageInputError);
      expect(() => toDecimal('abc', 'size')).to.throw(
        StorageInputError,
        /size is not a decimal number: "abc"/,
      );
      expect(() => toDecimal('NaN')).to.throw(StorageInputError);
      expect(() => toDecimal('')).to.throw(StorageInputError);
    });

    it('passes null and undefined through as null', () => {
      expect(toDecimalOrNull(null)).to.equal(null);
      expect(toDecimalOrNull(undefined)).to.equal(null);
      expect(toDecimalOrNull('1')).to.equal('1');
    });
  });

  describe('toTimestamp (G7)', () => {
    const instant = Date.UTC(2026, 0, 15, 12, 30, 45, 123);

    it('reads a naive date-time as UTC, never as local time', () => {
      expect(toTimestamp('2026-01-15T12:30:45.123').getTime()).to.equal(instant);
      expect(toTimestamp('2026-01-15 12:30:45.123').getTime()).to.equal(instant);
      expect(toTimestamp('2026-01-15 12:30').getTime()).to.equal(Date.UTC(2026, 0, 15, 12, 30));
      expect(toTimestamp('2026-01-15').getTime()).to.equal(Date.UTC(2026, 0, 15));
    });

    it('keeps the instant of an offset-aware string', () => {
      expect(toTimestamp('2026-01-15T14:30:45.123+02:00').getTime()).to.equal(instant);
      expect(toTimestamp('2026-01-15T12:30:45.123Z').getTime()).to.equal(instant);
    });

    it('takes Dates (copied) and epoch milliseconds', () => {
      const date = new Date(instant);
      const copy = toTimestamp(date);
      expect(copy.getTime()).to.equal(instant);
      expect(copy).to.not.equal(date);
      expect(toTimestamp(instant).getTime()).to.equal(instant);
    });

    it('refuses invalid and ambiguous values', () => {
      expect(() => toTimestamp('yesterday', 'tradedAt')).to.throw(
        StorageInputError,
        /tradedAt is not a valid time/,
      );
      expect(() => toTimestamp(new Date(Number.NaN))).to.throw(StorageInputError);
      expect(() => toTimestamp('1768480245')).to.throw(StorageInputError, /ambiguous/);
    });

    it('passes null and undefined through as null', () => {
      expect(toTimestampOrNull(null)).to.equal(null);
      expect(toTimestampOrNull(undefined)).to.equal(null);
      expect(toTimestampOrNull(instant)?.getTime()).to.equal(instant);
    });
  });

  it('toJson maps absent values to SQL NULL', () => {
    expect(toJson(undefined)).to.equal(null);
    expect(toJson(null)).to.equal(null);
    expect(toJson({ a: 1 })).to.equal('{"a":1}');
  });

  it('clampLimit keeps limits within bounds', () => {
    expect(clampLimit(undefined)).to.equal(100);
    expect(clampLimit(Number.NaN, 7)).to.equal(7);
    expect(clampLimit(0)).to.equal(1);
    expect(clampLimit(5.9)).to.equal(5);
    expect(clampLimit(1e9)).to.equal(10_000);
  });

  describe('type parsers', () => {
    it('reads int8 as a number when exact, else as text', () => {
      expect(parseInt8('42')).to.equal(42);
      expect(parseInt8('9007199254740993')).to.equal('9007199254740993');
    });

    it('reads a naive timestamp as UTC', () => {
      expect(parseNaiveTimestamp('2026-01-15 12:30:45.123').getTime()).to.equal(
        Date.UTC(2026, 0, 15, 12, 30, 45, 123),
      );
    });

    it('keeps NUMERIC as text and refuses changes', () => {
      expect((typeOverrides.getTypeParser(1700) as (v: string) => unknown)('0.950')).to.equal('0.950');
      expect((typeOverrides.getTypeParser(20, 'text') as (v: string) => unknown)('7')).to.equal(7);
      expect(typeOverrides.getTypeParser(1114)).to.equal(parseNaiveTimestamp);
      expect(typeOverrides.getTypeParser(25, 'binary')).to.be.a('function');
      expect(() => typeOverrides.setTypeParser()).to.throw(/fixed/);
    });
  });
});
