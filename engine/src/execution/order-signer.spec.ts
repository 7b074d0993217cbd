import { expect } from 'chai';
import { Wallet } from 'ethers';
import { OrderBuilder, getContractConfig, Side as ClientSide } from '@polymarket/clob-client-v2';
import type { OrderDraft } from './exchange.js';
import { formatMicros } from './fixed.js';
import { planOrder, type TickSize } from './order-math.js';
import { OrderSigner, V2_EXCHANGES, deterministicSalt, type SignatureType } from './order-signer.js';

/** Hardhat dev key #0, the key the reference vectors were captured with. */
const HARDHAT_KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
const ADDRESS = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';
const FUNDER = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const TOKEN = '71321045679252212594626385532706912750332728571942532289631379312455583992563';

function draft(overrides: Partial<OrderDraft> = {}): OrderDraft {
  return {
    clientOrderId: 'c-1',
    tokenId: TOKEN,
    conditionId: '0xcond',
    side: 'BUY',
    orderType: 'GTC',
    price: '0.5',
    size: '10',
    makerAmount: '5000000',
    takerAmount: '10000000',
    expiration: '0',
    salt: '1702525023231',
    timestamp: '1795500248652',
    tickSize: '0.01',
    negRisk: false,
    ...overrides,
  };
}

describe('execution: V2 order signing', function () {
  this.timeout(20_000);
  const wallet = new Wallet(HARDHAT_KEY);

  it('reproduces the captured V2 vector (reference §16.7): hash and signature', async () => {
    const signer = await OrderSigner.create(wallet, { chainId: 137, signatureType: 0 });
    const { order, hash } = await signer.sign(draft());
    expect(hash).to.equal('0x11772dce01a2bf87f71c5950f485ec449741129d8c71009bcec1ad77a17ef16b');
    expect(order.signature).to.equal(
      '0x0564cf6c88edaeff4f45dc2f770470d5e01a1cf26f812bc5873acd41cd10c9325575bcff06437be33c21213fb1e04ce5fe0cce769a564f55768d3aa9450d8aff1b',
    );
    expect(order).to.include({
      maker: ADDRESS,
      signer: ADDRESS,
      side: 'BUY',
      signatureType: 0,
      expiration: '0',
    });
  });

  it('uses the client package’s exchange addresses', () => {
    for (const chain of [137, 80002]) {
      const config = getContractConfig(chain);
      expect(V2_EXCHANGES[chain]).to.deep.equal({
        exchange: config.exchangeV2,
        negRiskExchange: config.negRiskExchangeV2,
      });
    }
  });

  const cases: {
    name: string;
    signatureType: SignatureType;
    funder?: string;
    negRisk: boolean;
    tick: TickSize;
    side: 'BUY' | 'SELL';
    price: number;
    size: number;
  }[] = [
    {
      name: 'EOA BUY, tick 0.01',
      signatureType: 0,
      negRisk: false,
      tick: '0.01',
      side: 'BUY',
      price: 0.57,
      size: 21.05,
    },
    {
      name: 'proxy SELL, neg-risk, tick 0.001',
      signatureType: 1,
      funder: FUNDER,
      negRisk: true,
      tick: '0.001',
      side: 'SELL',
      price: 0.957,
      size: 12.345,
    },
    {
      name: 'safe BUY, tick 0.005',
      signatureType: 2,
      funder: FUNDER,
      negRisk: false,
      tick: '0.005',
      side: 'BUY',
      price: 0.955,
      size: 20.94,
    },
    {
      name: 'deposit wallet (POLY_1271) BUY, tick 0.0025',
      signatureType: 3,
      funder: FUNDER,
      negRisk: true,
      tick: '0.0025',
      side: 'BUY',
      price: 0.9525,
      size: 7,
    },
  ];

  for (const c of cases) {
    it(`signs byte-identically to clob-client-v2 1.1.0: ${c.name}`, async () => {
      const builder = new OrderBuilder(wallet, 137, c.signatureType, c.funder);
      const theirs = (await builder.buildOrder(
        {
          tokenID: TOKEN,
          price: c.price,
          size: c.size,
          side: c.side === 'BUY' ? ClientSide.BUY : ClientSide.SELL,
        },
        { tickSize: c.tick, negRisk: c.negRisk },
        2,
      )) as unknown as Record<string, unknown>;
      // Our integer maths gives the client's amounts for the same request.
      const plan = planOrder(
        { side: c.side, orderType: 'GTC', price: c.price, size: c.size },
        { tickSize: c.tick, minOrderSize: '1', negRisk: c.negRisk },
      );
      expect(plan.makerAmount.toString(), 'maker amount').to.equal(theirs['makerAmount']);
      expect(plan.takerAmount.toString(), 'taker amount').to.equal(theirs['takerAmount']);

      const ours = await OrderSigner.create(wallet, {
        chainId: 137,
        signatureType: c.signatureType,
        funder: c.funder ?? null,
      });
      const { order } = await ours.sign(
        draft({
          side: c.side,
          price: formatMicros(plan.price),
          makerAmount: plan.makerAmount.toString(),
          takerAmount: plan.takerAmount.toString(),
          salt: String(theirs['salt']),
          timestamp: String(theirs['timestamp']),
          negRisk: c.negRisk,
          tickSize: c.tick,
        }),
      );
      for (const key of [
        'salt',
        'maker',
        'signer',
        'tokenId',
        'makerAmount',
        'takerAmount',
        'side',
        'signatureType',
        'timestamp',
        'expiration',
        'metadata',
        'builder',
        'signature',
      ]) {
        expect((order as unknown as Record<string, unknown>)[key], key).to.equal(theirs[key]);
      }
    });
  }

  it('derives a stable salt that a JSON number holds exactly', () => {
    const a = deterministicSalt('order-a');
    expect(deterministicSalt('order-a')).to.equal(a);
    expect(deterministicSalt('order-b')).not.to.equal(a);
    expect(Number.isSafeInteger(Number(a))).to.equal(true);
    expect(String(Number(a))).to.equal(a);
  });

  it('refuses a deposit-wallet signer without a funder and an unknown chain', async () => {
    let error: unknown;
    try {
      await OrderSigner.create(wallet, { chainId: 137, signatureType: 3 });
    } catch (e) {
      error = e;
    }
    expect(String(error)).to.match(/needs a funder/);
    error = undefined;
    try {
      await OrderSigner.create(wallet, { chainId: 1, signatureType: 0 });
    } catch (e) {
      error = e;
    }
    expect(String(error)).to.match(/no V2 exchange contracts for chain 1/);
  });

  it('exposes the signer and maker addresses', async () => {
    const signer = await OrderSigner.create(wallet, {
      chainId: 137,
      signatureType: 2,
      funder: FUNDER.toLowerCase(),
    });
    expect(signer.address).to.equal(ADDRESS);
    expect(signer.makerAddress).to.equal(FUNDER);
  });
});
