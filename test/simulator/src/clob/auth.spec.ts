import { expect } from 'chai';
import { ApiKeyStore, buildHmacSignature, recoverClobAuth } from './auth.js';
import { hashOrderV1, hashOrderV2, recoverSigner } from './order-signing.js';
import { extractSalts, gridPrice } from './order-intake.js';

const ADDRESS = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';
const SECRET = 'c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0MTI=';

/** The POST /order body clob-client-v2 1.1.0 sent, captured verbatim (reference §16.7, 760 bytes). */
const V2_BODY =
  '{"deferExec":false,"postOnly":false,"order":{"salt":1702525023231,"maker":"0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266","signer":"0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266","tokenId":"71321045679252212594626385532706912750332728571942532289631379312455583992563","makerAmount":"5000000","takerAmount":"10000000","side":"BUY","signatureType":0,"timestamp":"1795500248652","expiration":"0","metadata":"0x0000000000000000000000000000000000000000000000000000000000000000","builder":"0x0000000000000000000000000000000000000000000000000000000000000000","signature":"0x0564cf6c88edaeff4f45dc2f770470d5e01a1cf26f812bc5873acd41cd10c9325575bcff06437be33c21213fb1e04ce5fe0cce769a564f55768d3aa9450d8aff1b"},"owner":"00000000-0000-0000-0000-000000000000","orderType":"GTC"}';

describe('auth and signing against the reference vectors', () => {
  describe('L1 ClobAuth (EIP-712)', () => {
    it('recovers the signer of the §3.1 capture', () => {
      const sig =
        '0xee21b2d327982ef8fba80b08e243174dac65a5c46649653c894a3445955e18541e33b745cbd18e2d134f4cc1f2b5876bf79ad2ef576b55d85665c5525653358c1b';
      expect(recoverClobAuth(ADDRESS, '1795499952', '0', sig, 137)).to.equal(ADDRESS);
    });

    it('recovers the signer of the §16.4 capture', () => {
      const sig =
        '0xaac6932e150678aef4edff47434523eaa2fec5e7dc38b64de2f3b898188fcc0677b08ce9405b50ba030dae74ea8dd7aadd9465b40b24b81a1971e161074850d11b';
      expect(recoverClobAuth(ADDRESS, '1795500248', '0', sig, 137)).to.equal(ADDRESS);
    });

    it('does not recover the address for another timestamp, nonce or chain', () => {
      const sig =
        '0xaac6932e150678aef4edff47434523eaa2fec5e7dc38b64de2f3b898188fcc0677b08ce9405b50ba030dae74ea8dd7aadd9465b40b24b81a1971e161074850d11b';
      expect(recoverClobAuth(ADDRESS, '1795500249', '0', sig, 137)).to.not.equal(ADDRESS);
      expect(recoverClobAuth(ADDRESS, '1795500248', '1', sig, 137)).to.not.equal(ADDRESS);
      expect(recoverClobAuth(ADDRESS, '1795500248', '0', sig, 1)).to.not.equal(ADDRESS);
      expect(recoverClobAuth(ADDRESS, '1795500248', '0', '0x1234', 137)).to.equal(undefined);
    });
  });

  describe('L2 HMAC', () => {
    it('matches the §3.2 captures (with and without a body)', () => {
      expect(buildHmacSignature(SECRET, '1795499952', 'DELETE', '/order', '{"orderID":"0xdead"}')).to.equal(
        'Te89tUHlwPdySVDK7yqVzCKPH0m9iMKXNmBqfFJMNnM=',
      );
      expect(buildHmacSignature(SECRET, 1795499952, 'DELETE', '/cancel-all')).to.equal(
        '-8vFapkwh4couwoyEa_jDGJHFbxl27vTUrz2BHRoNpU=',
      );
    });

    it('matches the §16.4 captures', () => {
      expect(buildHmacSignature(SECRET, '1795500248', 'DELETE', '/order', '{"orderID":"0xdead"}')).to.equal(
        'AnvvzqOZRCQvAQpKgKcQi27iYyMU7nOOcFLD0SdjgPA=',
      );
      expect(
        buildHmacSignature(SECRET, '1795500248', 'POST', '/v1/heartbeats', '{"heartbeat_id":""}'),
      ).to.equal('Go1ihhmcORDm1FVgmIwUINMZihdHBqqxtrcVVGVXW3w=');
    });

    it('matches the §16.7 POST /order capture over the exact 760-byte body', () => {
      expect(V2_BODY).to.have.length(760);
      expect(buildHmacSignature(SECRET, '1795500248', 'POST', '/order', V2_BODY)).to.equal(
        'eYZzmLHrCQSmrH7gn8yFIY-nKjcFOi2uHE1iQRCpMrA=',
      );
    });

    it('accepts url-safe and standard base64 secrets alike', () => {
      const standard = Buffer.from('\xfb\xff\xfe'.repeat(11), 'latin1').toString('base64');
      expect(standard).to.match(/[+/]/);
      const urlSafe = standard.replace(/\+/g, '-').replace(/\//g, '_');
      expect(buildHmacSignature(urlSafe, '1', 'GET', '/x')).to.equal(
        buildHmacSignature(standard, '1', 'GET', '/x'),
      );
    });
  });

  describe('order hashing', () => {
    it('hashes the §16.7 V2 order to 0x11772dce…f16b and recovers its signer', () => {
      const body = JSON.parse(V2_BODY) as { order: Record<string, string | number> };
      const o = body.order;
      const hash = hashOrderV2(
        {
          salt: extractSalts(V2_BODY)[0] as string,
          maker: String(o['maker']),
          signer: String(o['signer']),
          tokenId: String(o['tokenId']),
          makerAmount: String(o['makerAmount']),
          takerAmount: String(o['takerAmount']),
          side: 0,
          signatureType: 0,
          timestamp: String(o['timestamp']),
          metadata: String(o['metadata']),
          builder: String(o['builder']),
        },
        false,
        137,
      );
      expect(hash).to.equal('0x11772dce01a2bf87f71c5950f485ec449741129d8c71009bcec1ad77a17ef16b');
      expect(recoverSigner(hash, String(o['signature']))).to.equal(ADDRESS);
    });

    it('gives a different hash under the neg-risk exchange domain (a wrong flag cannot verify)', () => {
      const o = (JSON.parse(V2_BODY) as { order: Record<string, string> }).order;
      const message = {
        salt: '1702525023231',
        maker: o['maker'] as string,
        signer: o['signer'] as string,
        tokenId: o['tokenId'] as string,
        makerAmount: '5000000',
        takerAmount: '10000000',
        side: 0 as const,
        signatureType: 0,
        timestamp: '1795500248652',
        metadata: o['metadata'] as string,
        builder: o['builder'] as string,
      };
      const negRisk = hashOrderV2(message, true, 137);
      expect(negRisk).to.not.equal('0x11772dce01a2bf87f71c5950f485ec449741129d8c71009bcec1ad77a17ef16b');
      expect(recoverSigner(negRisk, o['signature'] as string)).to.not.equal(ADDRESS);
    });

    it('hashes the §5.3 V1 order to 0x2cbebdb7…9315 and recovers its signer', () => {
      const hash = hashOrderV1(
        {
          salt: '550634444898',
          maker: ADDRESS,
          signer: ADDRESS,
          taker: '0x0000000000000000000000000000000000000000',
          tokenId: '71321045679252212594626385532706912750332728571942532289631379312455583992563',
          makerAmount: '5000000',
          takerAmount: '10000000',
          expiration: '0',
          nonce: '0',
          feeRateBps: '0',
          side: 0,
          signatureType: 0,
        },
        false,
        137,
      );
      expect(hash).to.equal('0x2cbebdb760bacfea02e60ee61ed72bd9bd6a543ac2341b9d25a29ed3fa8b9315');
      const sig =
        '0x531bf01c20cb1863a691db5ecfb605d2afd1f5b49699a8d017c06c0c827302cb22039c3a7b3366290de9eb49714bc828010a9efb0f7aa8c271ef17d1eccd96621b';
      expect(recoverSigner(hash, sig)).to.equal(ADDRESS);
    });

    it('keeps salts beyond 2^53 exact by reading them from the raw body', () => {
      expect(
        extractSalts('[{"order":{"salt":123456789012345678901}},{"order":{"salt":"42"}}]'),
      ).to.deep.equal(['123456789012345678901', '42']);
    });
  });

  describe('tick grid of signed amounts (§5.2, §17)', () => {
    const grid = (collateral: bigint, shares: bigint, tick: string): bigint | undefined =>
      gridPrice(collateral, shares, BigInt(Math.round(Number(tick) * 1e6)), tick);

    it('accepts the client worked examples exactly', () => {
      expect(grid(5_000_000n, 10_000_000n, '0.01')).to.equal(500_000n); // BUY 10 @ 0.50
      expect(grid(4_565_800n, 12_340_000n, '0.01')).to.equal(370_000n); // SELL 12.34 @ 0.37
      expect(grid(100_000_000n, 192_307_600n, '0.01')).to.equal(520_000n); // market BUY $100 @ 0.52
    });

    it('accepts 0.955 and rejects 0.957 on the 0.005 grid', () => {
      expect(grid(9_550_000n, 10_000_000n, '0.005')).to.equal(955_000n);
      expect(grid(9_570_000n, 10_000_000n, '0.005')).to.equal(undefined);
    });

    it('accepts multiples of 0.0025 and rejects 0.0001 steps between them', () => {
      expect(grid(9_725_000n, 10_000_000n, '0.0025')).to.equal(972_500n);
      expect(grid(9_726_000n, 10_000_000n, '0.0025')).to.equal(undefined);
    });

    it('rejects a price between ticks even when it rounds to the tick decimals', () => {
      expect(grid(5_034_000n, 10_000_000n, '0.01')).to.equal(undefined);
    });
  });

  describe('API key store', () => {
    it('derives the same credentials for the same (seed, address, nonce) and refuses a second create', () => {
      const a = new ApiKeyStore(7);
      const b = new ApiKeyStore(7);
      const first = a.create(ADDRESS, '0');
      expect(first).to.not.equal(undefined);
      expect(b.create(ADDRESS.toLowerCase(), '0')).to.deep.equal(first);
      expect(a.create(ADDRESS, '0')).to.equal(undefined);
      expect(a.existing(ADDRESS, '0')).to.deep.equal(first);
      expect(a.existing(ADDRESS, '1')).to.equal(undefined);
      expect(new ApiKeyStore(8).create(ADDRESS, '0')?.key).to.not.equal(first?.key);
      expect(first?.secret).to.match(/^[A-Za-z0-9_-]{43}=$/);
      expect(first?.key).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    });
  });
});
