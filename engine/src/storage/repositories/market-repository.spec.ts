import { expect } from 'chai';
import { StorageInputError } from '../errors.js';
import { createTestDatabase, testBackends, type TestDatabase } from '../testing/index.js';
import { uid } from '../testing/spec-helpers.js';
import type { MarketInput } from '../types.js';
import { MarketRepository } from './market-repository.js';

function market(overrides: Partial<MarketInput> = {}): MarketInput {
  const conditionId = overrides.conditionId ?? uid('0xcond');
  return {
    conditionId,
    question: 'Will it happen?',
    category: 'Politics',
    tags: ['politics', 'us'],
    endDate: '2026-03-01T00:00:00Z',
    negRisk: false,
    tickSize: '0.01',
    minOrderSize: '5',
    gammaId: '123',
    slug: 'will-it-happen',
    tokens: [
      { tokenId: `${conditionId}-yes`, outcome: 'Yes', outcomeIndex: 0 },
      { tokenId: `${conditionId}-no`, outcome: 'No', outcomeIndex: 1 },
    ],
    ...overrides,
  };
}

for (const backend of testBackends()) {
  describe(`MarketRepository on ${backend}`, function () {
    // A cold machine builds the PGlite template (initdb) once: seconds, more on a loaded VM.
    this.timeout(120_000);
    let t: TestDatabase;
    let markets: MarketRepository;
    before(async () => {
      t = await createTestDatabase({ backend });
      markets = new MarketRepository(t.database);
    });
    after(async () => {
      await t?.dispose();
    });

    it('stores a market with several tokens and finds it by condition and by token (G2)', async () => {
      const m = market();
      expect(await markets.upsertMany([m])).to.equal(1);
      const found = await markets.getByCondition(m.conditionId);
      expect(found).to.include({
        conditionId: m.conditionId,
        question: 'Will it happen?',
        category: 'Politics',
        negRisk: false,
        tickSize: '0.01',
        minOrderSize: '5',
        active: true,
        closed: false,
        gammaId: '123',
        slug: 'will-it-happen',
      });
      expect(found?.tags).to.deep.equal(['politics', 'us']);
      expect(found?.endDate?.toISOString()).to.equal('2026-03-01T00:00:00.000Z');
      expect(found?.updatedAt).to.be.instanceOf(Date);
      expect(found?.tokens.map((tok) => tok.outcome)).to.deep.equal(['Yes', 'No']);
      const no = await markets.getToken(`${m.conditionId}-no`);
      expect(no?.token).to.deep.equal({
        tokenId: `${m.conditionId}-no`,
        conditionId: m.conditionId,
        outcome: 'No',
        outcomeIndex: 1,
      });
      expect(no?.market.conditionId).to.equal(m.conditionId);
      expect(no?.market.tickSize).to.equal('0.01');
      expect(await markets.getToken('nope')).to.equal(null);
      expect(await markets.getByCondition('nope')).to.equal(null);
    });

    it('updates changed markets on upsert and keeps the last copy of a duplicate', async () => {
      const m = market({ tags: [], category: null, endDate: null, gammaId: null, slug: null });
      await markets.upsertMany([m]);
      await markets.upsertMany([
        { ...m, question: 'first copy' },
        {
          ...m,
          question: 'Renamed?',
          tickSize: 0.001,
          negRisk: true,
          tokens: [{ ...m.tokens[0]!, outcome: 'YES' }],
        },
      ]);
      const found = await markets.getByCondition(m.conditionId);
      expect(found?.question).to.equal('Renamed?');
      expect(found?.tickSize).to.equal('0.001');
      expect(found?.negRisk).to.equal(true);
      expect(found?.category).to.equal(null);
      expect(found?.endDate).to.equal(null);
      expect(found?.tokens.find((tok) => tok.outcomeIndex === 0)?.outcome).to.equal('YES');
    });

    it('does not rewrite a market that did not change', async () => {
      const m = market();
      await markets.upsertMany([m]);
      const before = await markets.getByCondition(m.conditionId);
      await markets.upsertMany([m]);
      const after = await markets.getByCondition(m.conditionId);
      expect(after?.updatedAt.getTime()).to.equal(before?.updatedAt.getTime());
    });

    it('upserts thousands of markets in batches and lists active token ids', async () => {
      const many = Array.from({ length: 2_500 }, () => market());
      expect(await markets.upsertMany(many)).to.equal(2_500);
      expect(await markets.countMarkets()).to.be.at.least(2_500);
      const closing = many.slice(0, 10).map((m) => m.conditionId);
      expect(await markets.markClosed(closing)).to.equal(10);
      expect(await markets.markClosed(closing)).to.equal(0);
      expect(await markets.markClosed([])).to.equal(0);
      const active = await markets.listActiveTokenIds();
      expect(active).to.include(many[20]!.tokens[0]!.tokenId);
      expect(active).to.not.include(many[0]!.tokens[0]!.tokenId);
      expect([...active].sort()).to.deep.equal(active);
      const closed = await markets.getByCondition(closing[0]!);
      expect(closed).to.include({ closed: true, active: false });
    });

    it('writes nothing for an empty list and refuses a bad tick size', async () => {
      expect(await markets.upsertMany([])).to.equal(0);
      try {
        await markets.upsertMany([market({ tickSize: 'abc' })]);
        expect.fail('upsert should fail');
      } catch (error) {
        expect(error).to.be.instanceOf(StorageInputError);
        expect((error as Error).message).to.match(/tickSize/);
      }
    });

    it('joins a caller transaction', async () => {
      const m = market();
      let inside: unknown = null;
      await t.database.db
        .tx(async (tx) => {
          await markets.upsertMany([m], tx);
          inside = await markets.getByCondition(m.conditionId, tx);
          throw new Error('roll back');
        })
        .catch(() => undefined);
      expect(inside).to.not.equal(null);
      expect(await markets.getByCondition(m.conditionId)).to.equal(null);
    });
  });
}
