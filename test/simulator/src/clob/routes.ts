import type { SimMarket } from '../types.js';
import { fromMicro } from '../util/decimal.js';
import {
  HttpError,
  Router,
  intParam,
  json,
  parseBody,
  type Reply,
  type RequestContext,
} from '../util/http.js';
import { END_CURSOR, decodeCursor, encodeCursor } from '../util/ids.js';
import { feeRateBps } from '../venue/fees.js';
import { MAX_ALLOWANCE } from '../venue/ledger.js';
import { quote } from '../venue/quotes.js';
import type { OrderRecord } from '../venue/records.js';
import type { TokenRef } from '../venue/registry.js';
import type { Venue } from '../venue/venue.js';
import { type ApiKeyRecord, UNAUTHORIZED, verifyL1, verifyL2 } from './auth.js';
import { OrderIntake } from './order-intake.js';
import { EXCHANGE_V2, NEG_RISK_ADAPTER, NEG_RISK_EXCHANGE_V2 } from './order-signing.js';
import {
  bookSummary,
  clobMarket,
  clobMarketInfo,
  openOrderJson,
  simplifiedMarket,
  tradeJson,
} from './serializers.js';

const NO_BOOK = 'No orderbook exists for the requested token id';
const INVALID_TOKEN = 'Invalid token id';
const MARKETS_PAGE = 1000;
const DATA_PAGE = 100;
const BOOKS_LIMIT = 500;

/** CLOB REST V2 (reference §4, §16.3). */
export function clobRouter(venue: Venue): Router {
  const intake = new OrderIntake(venue);
  const style = (): 'short' | 'enum' => venue.config.statusStyle;
  const l2 = (ctx: RequestContext): ApiKeyRecord =>
    verifyL2(ctx, venue.apiKeys, venue.now(), venue.config.authMaxSkewSeconds);

  const tokenParam = (ctx: RequestContext, missing = INVALID_TOKEN, unknown = NO_BOOK): TokenRef => {
    const id = ctx.query.get('token_id');
    if (!id) throw new HttpError(400, missing);
    const ref = venue.registry.token(id);
    if (!ref) throw new HttpError(404, unknown);
    return ref;
  };

  const router = new Router();

  // --- health, time, version -------------------------------------------------------------
  router.get('/', () => json('OK'));
  router.get('/ok', () => json('OK'));
  router.get('/time', () => json(Math.floor(venue.now() / 1000)));
  router.get('/version', () => json({ version: venue.apiVersion }));

  // --- markets ---------------------------------------------------------------------------
  const page = (
    ctx: RequestContext,
    render: (m: SimMarket) => unknown,
    filter: (m: SimMarket) => boolean = () => true,
  ): Reply => {
    const offset = decodeCursor(ctx.query.get('next_cursor'));
    if (offset === undefined) throw new HttpError(400, 'invalid next_cursor');
    const all = venue.registry.allMarkets().filter(filter);
    if (offset < 0 || offset >= all.length)
      return json({ limit: MARKETS_PAGE, count: 0, next_cursor: END_CURSOR, data: [] });
    const data = all.slice(offset, offset + MARKETS_PAGE).map(render);
    const next = offset + MARKETS_PAGE >= all.length ? END_CURSOR : encodeCursor(offset + MARKETS_PAGE);
    return json({ limit: MARKETS_PAGE, count: data.length, next_cursor: next, data });
  };
  const sampling = (m: SimMarket): boolean => m.active && !m.closed && m.acceptingOrders;
  router.get('/markets', (ctx) => page(ctx, (m) => clobMarket(venue, m)));
  router.get('/sampling-markets', (ctx) => page(ctx, (m) => clobMarket(venue, m), sampling));
  router.get('/simplified-markets', (ctx) => page(ctx, (m) => simplifiedMarket(venue, m)));
  router.get('/sampling-simplified-markets', (ctx) => page(ctx, (m) => simplifiedMarket(venue, m), sampling));
  router.get('/markets/:cid', (ctx) => json(clobMarket(venue, marketOr404(venue, ctx.params['cid']))));
  router.get('/clob-markets/:cid', (ctx) => json(clobMarketInfo(marketOr404(venue, ctx.params['cid']))));
  router.get('/markets-by-token/:token', (ctx) => {
    const ref = venue.registry.token(ctx.params['token'] ?? '');
    if (!ref) throw new HttpError(404, 'market not found');
    return json({
      condition_id: ref.market.conditionId,
      primary_token_id: ref.market.tokenIds[0],
      secondary_token_id: ref.market.tokenIds[1],
    });
  });

  // --- books and prices ------------------------------------------------------------------
  router.get('/book', (ctx) => {
    const ref = tokenParam(ctx);
    return json(bookSummary(venue, ref.market, ref.outcomeIndex));
  });
  router.post('/books', (ctx) => {
    const body = parseBody(ctx);
    if (!Array.isArray(body)) throw new HttpError(400, 'Invalid payload');
    if (body.length > BOOKS_LIMIT) throw new HttpError(400, 'Payload exceeds the limit');
    const out = [];
    for (const item of body) {
      const id = isRecord(item) ? item['token_id'] : undefined;
      if (typeof id !== 'string') throw new HttpError(400, 'Invalid payload');
      const ref = venue.registry.token(id);
      if (ref) out.push(bookSummary(venue, ref.market, ref.outcomeIndex));
    }
    return json(out);
  });

  // Legacy semantics verified live (reference §4.1): side=BUY answers the best bid, SELL the best ask.
  const sidePrice = (ref: TokenRef, side: string): bigint | undefined => {
    const q = quote(venue, ref.market, ref.outcomeIndex);
    return side === 'BUY' ? q.bestBid : q.bestAsk;
  };
  router.get('/price', (ctx) => {
    const side = (ctx.query.get('side') ?? '').toUpperCase();
    if (side !== 'BUY' && side !== 'SELL') throw new HttpError(400, 'Invalid side');
    const price = sidePrice(tokenParam(ctx), side);
    if (price === undefined) throw new HttpError(404, NO_BOOK);
    return json({ price: fromMicro(price) });
  });
  router.post('/prices', (ctx) => {
    const out: Record<string, Record<string, string>> = {};
    for (const { ref, item } of tokenList(venue, ctx)) {
      const side = String(item['side'] ?? '').toUpperCase();
      if (side !== 'BUY' && side !== 'SELL') throw new HttpError(400, 'Invalid payload');
      const price = sidePrice(ref, side);
      if (price === undefined) continue;
      (out[ref.market.tokenIds[ref.outcomeIndex]] ??= {})[side] = fromMicro(price);
    }
    return json(out);
  });
  router.get('/midpoint', (ctx) => {
    const ref = tokenParam(ctx);
    const { mid } = quote(venue, ref.market, ref.outcomeIndex);
    if (mid === undefined) throw new HttpError(404, NO_BOOK);
    return json({ mid: fromMicro(mid) });
  });
  router.post('/midpoints', (ctx) => {
    const out: Record<string, string> = {};
    for (const { ref } of tokenList(venue, ctx)) {
      const { mid } = quote(venue, ref.market, ref.outcomeIndex);
      if (mid !== undefined) out[ref.market.tokenIds[ref.outcomeIndex]] = fromMicro(mid);
    }
    return json(out);
  });
  router.get('/spread', (ctx) => {
    const ref = tokenParam(ctx);
    const { spread } = quote(venue, ref.market, ref.outcomeIndex);
    if (spread === undefined) throw new HttpError(404, NO_BOOK);
    return json({ spread: fromMicro(spread) });
  });
  router.post('/spreads', (ctx) => {
    const out: Record<string, string> = {};
    for (const { ref } of tokenList(venue, ctx)) {
      const { spread } = quote(venue, ref.market, ref.outcomeIndex);
      if (spread !== undefined) out[ref.market.tokenIds[ref.outcomeIndex]] = fromMicro(spread);
    }
    return json(out);
  });
  const lastTrade = (ref: TokenRef): { price: string; side: string } => {
    const last = venue.tape.last(ref.market.tokenIds[ref.outcomeIndex]);
    return last ? { price: fromMicro(last.price), side: last.side } : { price: '0.5', side: '' };
  };
  router.get('/last-trade-price', (ctx) => json(lastTrade(tokenParam(ctx))));
  router.post('/last-trades-prices', (ctx) =>
    json(
      tokenList(venue, ctx).map(({ ref }) => ({
        token_id: ref.market.tokenIds[ref.outcomeIndex],
        ...lastTrade(ref),
      })),
    ),
  );
  router.get('/tick-size', (ctx) =>
    json({ minimum_tick_size: Number(tokenParam(ctx, INVALID_TOKEN, 'market not found').market.tickSize) }),
  );
  router.get('/neg-risk', (ctx) =>
    json({ neg_risk: tokenParam(ctx, INVALID_TOKEN, 'market not found').market.negRisk }),
  );
  router.get('/fee-rate', (ctx) =>
    json({ base_fee: Number(feeRateBps(tokenParam(ctx, INVALID_TOKEN, 'market not found').market)) }),
  );
  router.get('/prices-history', (ctx) => {
    const id = ctx.query.get('market');
    const ref = id ? venue.registry.token(id) : undefined;
    if (!ref) throw new HttpError(400, 'invalid market');
    const nowS = Math.floor(venue.now() / 1000);
    const spans: Record<string, number> = {
      '1h': 3_600,
      '6h': 21_600,
      '1d': 86_400,
      '1w': 604_800,
      max: Infinity,
    };
    const interval = ctx.query.get('interval');
    const start = interval ? nowS - (spans[interval] ?? 86_400) : intParam(ctx.query, 'startTs', 0);
    const end = interval ? nowS : intParam(ctx.query, 'endTs', nowS);
    const prints = venue.tape
      .forCondition(ref.market.conditionId)
      .filter((p) => p.tokenId === ref.market.tokenIds[ref.outcomeIndex]);
    const history = prints
      .map((p) => ({ t: Math.floor(p.timestamp / 1000), p: Number(fromMicro(p.price)) }))
      .filter((h) => h.t >= start && h.t <= end);
    return json({ history });
  });

  // --- API keys (L1 to create/derive, L2 to list/delete) ---------------------------------
  router.post('/auth/api-key', (ctx) => {
    const { address, nonce } = verifyL1(
      ctx,
      venue.config.chainId,
      venue.now(),
      venue.config.authMaxSkewSeconds,
    );
    const record = venue.apiKeys.create(address, nonce);
    if (!record) throw new HttpError(400, 'Could not create api key');
    return json({ apiKey: record.key, secret: record.secret, passphrase: record.passphrase });
  });
  router.get('/auth/derive-api-key', (ctx) => {
    const { address, nonce } = verifyL1(
      ctx,
      venue.config.chainId,
      venue.now(),
      venue.config.authMaxSkewSeconds,
    );
    const record = venue.apiKeys.existing(address, nonce);
    if (!record) throw new HttpError(400, 'Could not derive api key!');
    return json({ apiKey: record.key, secret: record.secret, passphrase: record.passphrase });
  });
  router.get('/auth/api-keys', (ctx) => {
    const auth = l2(ctx);
    return json({ apiKeys: venue.apiKeys.forAddress(auth.address).map((r) => r.key) });
  });
  router.delete('/auth/api-key', (ctx) => {
    const auth = l2(ctx);
    venue.apiKeys.delete(auth.key);
    return json('OK');
  });
  router.get('/auth/ban-status/closed-only', (ctx) => {
    l2(ctx);
    return json({ closed_only: false });
  });

  // --- orders ----------------------------------------------------------------------------
  const authed = (path: '/order' | '/orders', ctx: RequestContext): ApiKeyRecord => {
    try {
      return l2(ctx);
    } catch (err) {
      intake.recordUnauthenticated(path, ctx.rawBody, err instanceof Error ? err.message : UNAUTHORIZED);
      throw err;
    }
  };
  router.post('/order', (ctx) => intake.postOrder(ctx.rawBody, authed('/order', ctx)));
  router.post('/orders', (ctx) => intake.postOrders(ctx.rawBody, authed('/orders', ctx)));

  const cancelIds = (auth: ApiKeyRecord, ids: readonly string[]): Reply => {
    const canceled: string[] = [];
    const notCanceled: Record<string, string> = {};
    for (const id of ids) {
      const order = venue.engine.order(id);
      if (!order || order.owner !== auth.key) notCanceled[id] = 'order not found';
      else if (venue.engine.cancel(id)) canceled.push(id);
      else notCanceled[id] = `order can't be canceled, status: ${order.status}`;
    }
    return json({ canceled, not_canceled: notCanceled });
  };
  router.delete('/order', (ctx) => {
    const auth = l2(ctx);
    const body = parseBody(ctx);
    const id = isRecord(body) ? body['orderID'] : undefined;
    if (typeof id !== 'string') throw new HttpError(400, 'Invalid payload');
    return cancelIds(auth, [id]);
  });
  router.delete('/orders', (ctx) => {
    const auth = l2(ctx);
    const body = parseBody(ctx);
    if (!Array.isArray(body) || !body.every((v) => typeof v === 'string'))
      throw new HttpError(400, 'Invalid payload');
    return cancelIds(auth, body as string[]);
  });
  router.delete('/cancel-all', (ctx) => {
    const auth = l2(ctx);
    return json({ canceled: venue.cancelAllOf(auth.key).map((o) => o.id), not_canceled: {} });
  });
  router.delete('/cancel-market-orders', (ctx) => {
    const auth = l2(ctx);
    const body = parseBody(ctx);
    if (!isRecord(body)) throw new HttpError(400, 'Invalid payload');
    const market = typeof body['market'] === 'string' ? body['market'].toLowerCase() : undefined;
    const asset = typeof body['asset_id'] === 'string' ? body['asset_id'] : undefined;
    const ids = venue.engine
      .openOrders(auth.key)
      .filter(
        (o) =>
          (market === undefined || o.market.conditionId.toLowerCase() === market) &&
          (asset === undefined || o.assetId === asset),
      )
      .map((o) => o.id);
    return cancelIds(auth, ids);
  });

  router.get('/data/order/:id', (ctx) => {
    const auth = l2(ctx);
    const order = venue.engine.order(ctx.params['id'] ?? '');
    if (!order || order.owner !== auth.key) throw new HttpError(404, 'order not found');
    return json(openOrderJson(order, style()));
  });
  router.get('/data/orders', (ctx) => {
    const auth = l2(ctx);
    const id = ctx.query.get('id');
    const market = ctx.query.get('market')?.toLowerCase();
    const asset = ctx.query.get('asset_id');
    const orders = venue.engine
      .openOrders(auth.key)
      .filter((o) => o.status === 'LIVE')
      .filter(
        (o) =>
          (!id || o.id === id) &&
          (!market || o.market.conditionId.toLowerCase() === market) &&
          (!asset || o.assetId === asset),
      )
      .sort((a, b) => a.seq - b.seq);
    return paged(ctx, orders, (o: OrderRecord) => openOrderJson(o, style()));
  });
  router.get('/data/pre-migration-orders', (ctx) => {
    l2(ctx);
    return json({ limit: DATA_PAGE, count: 0, next_cursor: END_CURSOR, data: [] });
  });
  router.get('/data/trades', (ctx) => {
    const auth = l2(ctx);
    const id = ctx.query.get('id');
    const makerAddress = ctx.query.get('maker_address')?.toLowerCase();
    const market = ctx.query.get('market')?.toLowerCase();
    const asset = ctx.query.get('asset_id');
    const before = ctx.query.get('before');
    const after = ctx.query.get('after');
    const trades = venue.engine
      .trades()
      .filter((t) => t.takerOwner === auth.key || t.maker.owner === auth.key)
      .filter((t) => !id || t.id === id)
      .filter(
        (t) =>
          !makerAddress ||
          t.takerAddress.toLowerCase() === makerAddress ||
          t.maker.makerAddress.toLowerCase() === makerAddress,
      )
      .filter(
        (t) => (!market || t.market.conditionId.toLowerCase() === market) && (!asset || t.assetId === asset),
      )
      .filter(
        (t) =>
          (!before || t.matchTime / 1000 < Number(before)) && (!after || t.matchTime / 1000 > Number(after)),
      )
      .slice()
      .reverse();
    return paged(ctx, trades, (t) => tradeJson(t, auth.key, style()));
  });

  // --- balances --------------------------------------------------------------------------
  const balanceReply = (ctx: RequestContext, refresh: boolean): Reply => {
    const auth = l2(ctx);
    const assetType = ctx.query.get('asset_type');
    if (assetType !== 'COLLATERAL' && assetType !== 'CONDITIONAL')
      throw new HttpError(400, 'invalid asset_type');
    const tokenId = ctx.query.get('token_id') ?? '';
    if (assetType === 'CONDITIONAL' && !venue.registry.token(tokenId))
      throw new HttpError(400, 'invalid token_id');
    const signatureType = ctx.query.get('signature_type') ?? '0';
    // signature_type picks the wallet read: the EOA itself, or the funder (proxy/safe/deposit wallet) it trades for.
    const address = signatureType === '0' ? auth.address : venue.ledger.funderOf(auth.address);
    const key = `${address ?? '-'}|${assetType}|${tokenId}`;
    const fresh = (): bigint =>
      address === undefined
        ? 0n
        : assetType === 'COLLATERAL'
          ? venue.ledger.collateral(address)
          : venue.ledger.shares(address, tokenId);
    if (refresh) {
      venue.ledger.refreshCache(key, fresh);
      return { status: 200, body: null, raw: '' };
    }
    const balance = venue.ledger.reportedBalance(key, fresh);
    const allowance =
      address === undefined
        ? 0n
        : assetType === 'COLLATERAL'
          ? venue.ledger.allowance(address)
          : venue.ledger.conditionalApproved(address)
            ? MAX_ALLOWANCE
            : 0n;
    const a = allowance.toString();
    return json({
      balance: balance.toString(),
      allowances: { [EXCHANGE_V2]: a, [NEG_RISK_EXCHANGE_V2]: a, [NEG_RISK_ADAPTER]: a },
      allowance: a,
    });
  };
  router.get('/balance-allowance', (ctx) => balanceReply(ctx, false));
  router.get('/balance-allowance/update', (ctx) => balanceReply(ctx, true));

  // --- heartbeats and the odds and ends 1.1.0 can call ------------------------------------
  router.post('/v1/heartbeats', (ctx) => {
    const auth = l2(ctx);
    const body = ctx.rawBody === '' ? {} : parseBody(ctx);
    const previous = isRecord(body) ? body['heartbeat_id'] : undefined;
    if (previous !== undefined && previous !== null && typeof previous !== 'string')
      throw new HttpError(400, 'Invalid payload');
    const result = venue.heartbeats.beat(auth.key, previous, venue.now());
    if (!result.ok) throw new HttpError(400, 'Invalid Heartbeat ID', { heartbeat_id: result.current });
    return json({ heartbeat_id: result.id });
  });
  router.get('/order-scoring', (ctx) => {
    l2(ctx);
    return json({ scoring: false });
  });
  router.post('/orders-scoring', (ctx) => {
    l2(ctx);
    const body = parseBody(ctx);
    const ids = Array.isArray(body) ? body : [];
    return json(
      Object.fromEntries(ids.filter((i): i is string => typeof i === 'string').map((i) => [i, false])),
    );
  });
  router.get('/notifications', (ctx) => {
    l2(ctx);
    return json([]);
  });
  router.delete('/notifications', (ctx) => {
    l2(ctx);
    return json('OK');
  });
  router.get('/fees/builder-fees/:code', () =>
    json({ builder_maker_fee_rate_bps: 0, builder_taker_fee_rate_bps: 0 }),
  );

  return router;
}

function marketOr404(venue: Venue, cid: string | undefined): SimMarket {
  const market = cid ? venue.registry.market(cid) : undefined;
  if (!market) throw new HttpError(404, 'market not found');
  return market;
}

function paged<T>(ctx: RequestContext, items: readonly T[], render: (item: T) => unknown): Reply {
  const offset = decodeCursor(ctx.query.get('next_cursor'));
  if (offset === undefined) throw new HttpError(400, 'invalid next_cursor');
  if (offset < 0 || offset >= items.length)
    return json({ limit: DATA_PAGE, count: 0, next_cursor: END_CURSOR, data: [] });
  const data = items.slice(offset, offset + DATA_PAGE).map(render);
  const next = offset + DATA_PAGE >= items.length ? END_CURSOR : encodeCursor(offset + DATA_PAGE);
  return json({ limit: DATA_PAGE, count: data.length, next_cursor: next, data });
}

function tokenList(venue: Venue, ctx: RequestContext): { ref: TokenRef; item: Record<string, unknown> }[] {
  const body = parseBody(ctx);
  if (!Array.isArray(body)) throw new HttpError(400, 'Invalid payload');
  if (body.length > BOOKS_LIMIT) throw new HttpError(400, 'Payload exceeds the limit');
  const out: { ref: TokenRef; item: Record<string, unknown> }[] = [];
  for (const item of body) {
    if (!isRecord(item) || typeof item['token_id'] !== 'string') throw new HttpError(400, 'Invalid payload');
    const ref = venue.registry.token(item['token_id']);
    if (ref) out.push({ ref, item });
  }
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
