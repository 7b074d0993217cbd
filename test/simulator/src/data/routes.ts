import { Router, HttpError, boolParam, intParam, json, listParam } from '../util/http.js';
import { microToNumber, toMicro } from '../util/decimal.js';
import type { Venue } from '../venue/venue.js';

const MAX_LIMIT = 10_000;

/** Data API /trades (reference §11): bare array, newest first, integer-second timestamps, numbers. */
export function dataRouter(venue: Venue): Router {
  const router = new Router();
  router.get('/trades', (ctx) => {
    const q = ctx.query;
    const markets = listParam(q, 'market').map((m) => m.toLowerCase());
    const eventId = q.get('eventId');
    if (markets.length > 0 && eventId) throw new HttpError(400, 'market and eventId are mutually exclusive');
    const side = q.get('side')?.toUpperCase();
    if (side !== undefined && side !== 'BUY' && side !== 'SELL')
      throw new HttpError(400, `invalid side: ${side}`);
    const filterType = q.get('filterType');
    const filterAmount = q.get('filterAmount');
    if ((filterType === null) !== (filterAmount === null))
      throw new HttpError(400, 'filterType and filterAmount go together');
    if (filterType !== null && filterType !== 'CASH' && filterType !== 'TOKENS')
      throw new HttpError(400, `invalid filterType: ${filterType}`);
    let amount: bigint | undefined;
    if (filterAmount !== null) {
      try {
        amount = toMicro(filterAmount);
      } catch {
        throw new HttpError(400, `invalid filterAmount: ${filterAmount}`);
      }
    }
    const limit = Math.min(intParam(q, 'limit', 100), MAX_LIMIT);
    const offset = intParam(q, 'offset', 0);

    let conditionIds: string[] | undefined;
    let eventMarketIds: Set<string> | undefined;
    if (markets.length > 0) {
      conditionIds = markets
        .map((c) => venue.registry.market(c))
        .filter((m) => m !== undefined)
        .map((m) => m.conditionId);
      if (conditionIds.length === 0) return json([]);
    } else if (eventId) {
      const event = venue.registry.event(eventId);
      if (!event) return json([]);
      conditionIds = [...event.conditionIds];
      eventMarketIds = new Set(conditionIds);
    }
    // History is generated with a market's book; make sure every market asked about has it.
    const scope = conditionIds
      ? conditionIds.map((c) => venue.registry.market(c))
      : venue.registry.allMarkets();
    for (const m of scope) if (m) venue.engine.ensureMaterialized(m);

    const rows = venue.tape.query({
      ...(conditionIds ? { conditionIds } : {}),
      ...(eventMarketIds ? { eventMarketIds } : {}),
      ...(q.get('user') ? { user: q.get('user') as string } : {}),
      ...(side ? { side: side as 'BUY' | 'SELL' } : {}),
      takerOnly: boolParam(q, 'takerOnly') ?? true,
      ...(filterType === 'TOKENS' && amount !== undefined ? { minSize: amount } : {}),
      ...(filterType === 'CASH' && amount !== undefined ? { minCash: amount } : {}),
      limit,
      offset,
    });
    return json(
      rows.map(({ print, side: rowSide, wallet }) => {
        const m = print.market;
        const event = venue.registry.event(m.eventId);
        return {
          proxyWallet: wallet,
          side: rowSide,
          asset: print.tokenId,
          conditionId: m.conditionId,
          size: microToNumber(print.size),
          price: microToNumber(print.price),
          timestamp: Math.floor(print.timestamp / 1000),
          title: m.question,
          slug: m.slug,
          icon: `https://polymarket-upload.s3.us-east-2.amazonaws.com/${m.slug}.png`,
          eventSlug: event?.slug ?? m.slug,
          outcome: m.outcomes[print.outcomeIndex],
          outcomeIndex: print.outcomeIndex,
          name: '',
          pseudonym: '',
          bio: '',
          profileImage: '',
          profileImageOptimized: '',
          transactionHash: print.transactionHash,
        };
      }),
    );
  });
  return router;
}
