import { expect } from 'chai';
import type { ExecutionRequest } from 'polybot';
import type { TestDatabase } from 'polybot/testing';
import { createVenueWorld, sharedDatabase, type VenueWorld } from './support.js';

function buy(
  tokenId: string,
  conditionId: string,
  overrides: Partial<ExecutionRequest> = {},
): ExecutionRequest {
  return {
    strategy: 'high_prob_yes',
    tokenId,
    conditionId,
    side: 'BUY',
    price: '0.96',
    size: null,
    notional: '20',
    orderType: 'GTC',
    expiresInSeconds: null,
    reason: 'integration',
    triggerPrice: '0.95',
    ...overrides,
  };
}

describe('execution: dry run (paper venue) against the simulator’s books', function () {
  this.timeout(30_000);
  let db: TestDatabase;
  let world: VenueWorld;

  before(async () => {
    db = await sharedDatabase();
  });

  after(async () => {
    await db.dispose();
  });

  beforeEach(async () => {
    world = await createVenueWorld({ db });
  });

  afterEach(async () => {
    await world.close();
  });

  it('fills a BUY across the simulator’s ask levels without sending anything to the venue, and keeps the paper balance over a restart', async () => {
    const { conditionId, tokenIds } = await world.market({
      feeRate: 0.02,
      book: {
        bids: [{ price: '0.94', size: '100' }],
        asks: [
          { price: '0.96', size: '100' },
          { price: '0.95', size: '10' },
        ],
      },
    });
    const token = tokenIds[0]!;
    await world.syncBook(token);
    const service = world.service(world.paper());
    await service.start();
    expect(service.status).to.deep.include({ exchange: 'paper', balance: '1000' });

    const result = await service.submit(buy(token, conditionId));
    expect(result).to.deep.include({ accepted: true, state: 'filled' });
    expect(result.order).to.deep.include({ size: '20.83', filledSize: '20.83', dryRun: true });
    const fills = await world.repos.fills.listByOrder(result.clientOrderId!);
    // Best price first; the taker fee per fill as the venue charges it (0.02 × (p·(1−p))², floored to 5 dp).
    expect(fills.map((f) => [f.price, f.size, f.fee])).to.deep.equal([
      ['0.95', '10', '0.00045'],
      ['0.96', '10.83', '0.00031'],
    ]);
    expect(world.sim.scenario.receivedOrders()).to.have.length(0);
    const balance = 1000 - (9.5 + 10.3968) - 0.00045 - 0.00031;
    expect(Number(service.status.balance)).to.be.closeTo(balance, 1e-9);
    await service.stop();

    const restarted = world.service(world.paper());
    await restarted.start();
    expect(Number(restarted.status.balance)).to.be.closeTo(balance, 1e-9);
    expect(restarted.status.openPositions).to.equal(1);
  });

  it('G5 against the simulator’s book: a trigger at 0.95 in a 5-cent market is refused', async () => {
    const { conditionId, tokenIds } = await world.market({
      book: { bids: [{ price: '0.04', size: '100' }], asks: [{ price: '0.05', size: '100' }] },
    });
    await world.syncBook(tokenIds[0]!);
    const service = world.service(world.paper());
    await service.start();
    const result = await service.submit(buy(tokenIds[0]!, conditionId));
    expect(result).to.deep.include({ accepted: false, code: 'price_divergence' });
    expect(result.reason).to.match(/best ask 0\.05 is more than 0\.1 away from 0\.95/);
  });
});
