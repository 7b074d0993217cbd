import { expect } from 'chai';
import {
  LiveExchange,
  LiveModeError,
  MetricsRegistry,
  VenueRejectedError,
  createSilentLogger,
  deterministicSalt,
  planOrder,
  type ClobModule,
  type PreparedOrder,
} from 'polybot';
import { OUR_ADDRESS, createVenueWorld, sharedDatabase, type VenueWorld } from './support.js';
import type { TestDatabase } from 'polybot/testing';

async function connectError(exchange: LiveExchange): Promise<LiveModeError> {
  try {
    await exchange.connect();
  } catch (error) {
    expect(error).to.be.instanceOf(LiveModeError);
    return error as LiveModeError;
  }
  throw new Error('connect() succeeded although it should have failed');
}

describe('execution: LiveExchange against the simulator (CLOB V2)', function () {
  this.timeout(30_000);
  let world: VenueWorld;
  let db: TestDatabase;

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

  async function prepared(
    exchange: LiveExchange,
    tokenId: string,
    conditionId: string,
    price: string,
    size: string,
  ): Promise<PreparedOrder> {
    const plan = planOrder(
      { side: 'BUY', orderType: 'GTC', price, size },
      { tickSize: '0.01', minOrderSize: '1', negRisk: false },
    );
    return exchange.prepare({
      clientOrderId: `direct-${price}-${size}`,
      tokenId,
      conditionId,
      side: 'BUY',
      orderType: 'GTC',
      price,
      size,
      makerAmount: plan.makerAmount.toString(),
      takerAmount: plan.takerAmount.toString(),
      expiration: '0',
      salt: deterministicSalt(`direct-${price}-${size}`),
      timestamp: String(Date.now()),
      tickSize: '0.01',
      negRisk: false,
    });
  }

  describe('connect() fails fast with the reason', () => {
    it('no credentials', async () => {
      const error = await connectError(world.live({}, { ...world.secrets, polymarketCreds: null }));
      expect(error.code).to.equal('live_credentials_missing');
      expect(error.message).to.match(/polymarket_api_creds\.json was not found/);
    });

    it('incomplete credentials, naming every problem and no secret', async () => {
      const creds = world.secrets.polymarketCreds!;
      const error = await connectError(
        world.live(
          {},
          {
            ...world.secrets,
            polymarketCreds: { ...creds, api_passphrase: '', private_key: '0x1234', signature_type: 2 },
          },
        ),
      );
      expect(error.code).to.equal('live_credentials_invalid');
      expect(error.message).to.match(/api_passphrase is missing/);
      expect(error.message).to.match(/private key is not 32 bytes/);
      expect(error.message).to.match(/signature_type 2 needs a funder/);
      expect(error.message).not.to.include(creds.api_secret);
    });

    it('the client package cannot be loaded', async () => {
      const error = await connectError(
        world.live({
          loadClient: async () => {
            throw new Error("Cannot find package '@polymarket/clob-client-v2'");
          },
        }),
      );
      expect(error.code).to.equal('live_client_unavailable');
      expect(error.message).to.match(/cannot load @polymarket\/clob-client-v2.*Cannot find package/);
      const broken = await connectError(world.live({ loadClient: async () => ({}) as ClobModule }));
      expect(broken.message).to.match(/no ClobClient export/);
    });

    it('the API credentials are refused (401 on an authenticated call)', async () => {
      const creds = world.secrets.polymarketCreds!;
      const wrongSecret = Buffer.from('not-the-secret-not-the-secret-00').toString('base64');
      const error = await connectError(
        world.live({}, { ...world.secrets, polymarketCreds: { ...creds, api_secret: wrongSecret } }),
      );
      expect(error.code).to.equal('live_auth_failed');
      expect(error.message).to.match(/API credentials were refused/);
    });

    it('the venue cannot be reached, or speaks another order version', async () => {
      const exchange = new LiveExchange(
        { ...world.config, polymarket: { ...world.config.polymarket, clobUrl: 'http://127.0.0.1:9' } },
        world.secrets,
        createSilentLogger(),
        new MetricsRegistry(),
        { requestTimeoutMs: 2_000 },
      );
      expect((await connectError(exchange)).code).to.equal('live_venue_unreachable');
      world.sim.scenario.setApiVersion(1);
      const v1 = await connectError(world.live());
      expect(v1.code).to.equal('live_version_unsupported');
      expect(v1.message).to.match(/speaks order version 1/);
    });

    it('a key that is not a valid secp256k1 key, a client that cannot be constructed, a chain without V2 contracts', async () => {
      const creds = world.secrets.polymarketCreds!;
      const zeroKey = await connectError(
        world.live(
          {},
          { ...world.secrets, polymarketCreds: { ...creds, private_key: '0x' + '0'.repeat(64) } },
        ),
      );
      expect(zeroKey.message).to.equal('the private key is not a valid secp256k1 key');
      const throwing = await connectError(
        world.live({
          loadClient: async () =>
            ({
              ClobClient: class {
                constructor() {
                  throw new Error('bad options');
                }
              },
            }) as unknown as ClobModule,
        }),
      );
      expect(throwing.code).to.equal('live_client_init');
      const chain = await connectError(
        world.live({}, { ...world.secrets, polymarketCreds: { ...creds, chain_id: 1 } }),
      );
      expect(chain.message).to.match(/cannot set up order signing: no V2 exchange contracts for chain 1/);
    });

    it('a method used before connect() is a LiveModeError', async () => {
      let error: unknown;
      try {
        await world.live().getBalance();
      } catch (e) {
        error = e;
      }
      expect(error).to.be.instanceOf(LiveModeError);
    });
  });

  it('a correctly signed V2 order is accepted; its id is the hash we computed before sending', async () => {
    const { conditionId, tokenIds } = await world.market({
      book: { bids: [{ price: '0.4', size: '100' }], asks: [{ price: '0.6', size: '100' }] },
    });
    const token = tokenIds[0]!;
    const exchange = world.live();
    await exchange.connect();
    const order = await prepared(exchange, token, conditionId, '0.5', '10');
    const placed = await exchange.placeOrder(order);
    expect(placed).to.deep.include({ orderId: order.orderHash, status: 'live' });
    const received = world.sim.scenario.receivedOrders();
    expect(received.map((r) => [r.verdict, r.orderID])).to.deep.equal([['accepted', order.orderHash]]);

    const venueOrder = await exchange.getOrder(order.orderHash);
    expect(venueOrder).to.deep.include({
      status: 'live',
      tokenId: token,
      side: 'BUY',
      price: '0.5',
      originalSize: '10',
      sizeMatched: '0',
    });
    expect((await exchange.getOpenOrders({ tokenId: token })).map((o) => o.id)).to.deep.equal([
      order.orderHash,
    ]);
    expect(await exchange.getOrder('0x' + '0'.repeat(64))).to.equal(null);
    world.sim.scenario.failNext({ path: '/data/order/*', method: 'GET', status: 500 });
    let down: unknown;
    try {
      await exchange.getOrder(order.orderHash);
    } catch (error) {
      down = error;
    }
    expect(down, 'a failing lookup is not "unknown order"').to.have.property('reason', 'venue_unavailable');

    // The same signed order again: the venue knows it by its hash.
    let duplicate: unknown;
    try {
      await exchange.placeOrder(order);
    } catch (error) {
      duplicate = error;
    }
    expect(duplicate).to.be.instanceOf(VenueRejectedError);
    expect((duplicate as VenueRejectedError).venueCode).to.equal('INVALID_ORDER_DUPLICATED');

    const cancelled = await exchange.cancelOrder(order.orderHash);
    expect(cancelled.cancelled).to.deep.equal([order.orderHash]);
    expect((await exchange.getOrder(order.orderHash))?.status).to.equal('cancelled');
  });

  it('reads balances (raw 1e6 units), books best-first, and market rules', async () => {
    const { tokenIds } = await world.market({
      tickSize: '0.005',
      minOrderSize: 5,
      book: {
        bids: [
          { price: '0.4', size: '100' },
          { price: '0.45', size: '10' },
        ],
        asks: [
          { price: '0.6', size: '100' },
          { price: '0.55', size: '7' },
        ],
      },
    });
    const exchange = world.live();
    await exchange.connect();
    world.sim.scenario.setBalance(OUR_ADDRESS, '1234.5');
    expect(await exchange.getBalance({ refresh: true })).to.equal('1234.5');
    world.sim.scenario.setPosition(OUR_ADDRESS, tokenIds[0]!, '12.34');
    expect(await exchange.getTokenBalance(tokenIds[0]!, { refresh: true })).to.equal('12.34');
    const book = await exchange.getBook(tokenIds[0]!);
    expect(book.bids.map((l) => l.price)).to.deep.equal(['0.45', '0.4']);
    expect(book.asks.map((l) => l.price)).to.deep.equal(['0.55', '0.6']);
    expect(await exchange.getMarketRules(tokenIds[0]!)).to.deep.equal({
      tickSize: '0.005',
      minOrderSize: '5',
      negRisk: false,
    });
  });

  it('venue refusals keep the venue’s code: minimum size, tick grid', async () => {
    const { conditionId, tokenIds } = await world.market({});
    const exchange = world.live();
    await exchange.connect();
    const small = await prepared(exchange, tokenIds[0]!, conditionId, '0.5', '2');
    let error: unknown;
    try {
      await exchange.placeOrder(small);
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(VenueRejectedError);
    expect((error as VenueRejectedError).venueCode).to.equal('INVALID_ORDER_MIN_SIZE');
    expect((error as VenueRejectedError).status).to.equal(400);

    // Amounts that put the price between two ticks (0.505 on a 0.01 grid).
    const offGrid = await exchange.prepare({
      ...small,
      clientOrderId: 'off-grid',
      salt: deterministicSalt('off-grid'),
      makerAmount: '5050000',
      takerAmount: '10000000',
      size: '10',
    });
    error = undefined;
    try {
      await exchange.placeOrder(offGrid);
    } catch (e) {
      error = e;
    }
    expect((error as VenueRejectedError).venueCode).to.equal('INVALID_ORDER_MIN_TICK_SIZE');
    expect(world.sim.scenario.receivedOrders().map((r) => r.verdict)).to.deep.equal(['rejected', 'rejected']);
  });

  it('a 429 or 503 is "no answer" (retryable), never a refusal', async () => {
    const { conditionId, tokenIds } = await world.market({});
    const exchange = world.live();
    await exchange.connect();
    const order = await prepared(exchange, tokenIds[0]!, conditionId, '0.5', '10');
    world.sim.scenario.failNext({ path: '/order', method: 'POST', status: 429, retryAfter: 2 });
    let error: unknown;
    try {
      await exchange.placeOrder(order);
    } catch (e) {
      error = e;
    }
    expect(error).to.have.property('reason', 'venue_unavailable');
    expect(error).to.have.property('status', 429);
    expect(error, 'Retry-After is honoured').to.have.property('retryAfterMs', 2000);
    expect(world.sim.scenario.receivedOrders()).to.have.length(0);
  });
});
