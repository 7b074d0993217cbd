/**
 * Market fee schedules (`fd: {r, e, to}` of the public GET /clob-markets/{condition_id},
 * reference §16.1/§16.3), so the paper venue charges the taker fee the real venue would. Read
 * through ingestion's REST layer (limits, retries, metrics), cached per market: the schedule is
 * set by the operator and changes rarely.
 */
import { Ajv, type SchemaObject } from 'ajv';
import { inject, injectable } from 'tsyringe';
import { Tokens } from '../di/tokens.js';
import type { HttpClient } from '../ingestion/index.js';
import type { FeeSchedule } from './ports.js';

interface ClobMarketInfo {
  fd?: { r?: number | string; e?: number | string };
}

const MARKET_INFO_SCHEMA: SchemaObject = {
  type: 'object',
  properties: {
    fd: {
      type: 'object',
      properties: { r: { type: ['number', 'string'] }, e: { type: ['number', 'string'] } },
      required: [],
    },
  },
  required: [],
};

const validateMarketInfo = new Ajv({ allowUnionTypes: true }).compile<ClobMarketInfo>(MARKET_INFO_SCHEMA);

export interface FeeScheduleSource {
  schedule(conditionId: string): Promise<FeeSchedule | null>;
}

@injectable()
export class ClobFeeSchedules implements FeeScheduleSource {
  private readonly cache = new Map<string, Promise<FeeSchedule | null>>();

  constructor(@inject(Tokens.HttpClient) private readonly http: HttpClient) {}

  schedule(conditionId: string): Promise<FeeSchedule | null> {
    let pending = this.cache.get(conditionId);
    if (!pending) {
      pending = this.fetch(conditionId);
      this.cache.set(conditionId, pending);
      // A failed read is not remembered: the next order asks again.
      pending.catch(() => this.cache.delete(conditionId));
    }
    return pending;
  }

  private async fetch(conditionId: string): Promise<FeeSchedule | null> {
    const info = await this.http.request({
      service: 'clob',
      path: `/clob-markets/${conditionId}`,
      endpoint: '/clob-markets/:id',
      validate: validateMarketInfo,
    });
    const rate = Number(info.fd?.r ?? 0);
    const exponent = Number(info.fd?.e ?? 0);
    if (!Number.isFinite(rate) || rate <= 0 || !Number.isInteger(exponent) || exponent < 0) return null;
    return { rate: String(rate), exponent };
  }
}
