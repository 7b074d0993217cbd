import { describeError } from '../errors.js';
import type { Logger } from '../monitoring/logger.js';
import type { MetricsRegistry } from '../monitoring/metrics.js';
import type { Counter } from 'prom-client';
import type { Clock } from '../util/clock.js';
import type {
  AlertPort,
  ApprovalRecord,
  ApprovalStore,
  OrderExecutor,
  OrderRequest,
  PriceVerifier,
  TriggerGate,
} from './ports.js';

export type ApprovalDecisionResult =
  | { readonly executed: true; readonly clientOrderId: string | undefined }
  | { readonly executed: false; readonly reason: string };

/**
 * Human-in-the-loop trading (REQUIRE_APPROVAL): a BUY becomes a pending approval instead of an
 * order. Approving it within the window re-checks the price against the live book and lets
 * execution re-run its risk checks before anything is placed; a late approval, or none, expires
 * the request and it is logged, never executed.
 */
export class ApprovalService {
  private timer: NodeJS.Timeout | null = null;
  private readonly outcomes: Counter<'status'>;

  constructor(
    private readonly deps: {
      readonly store: ApprovalStore;
      readonly executor: OrderExecutor;
      readonly prices: PriceVerifier;
      readonly alerts: AlertPort;
      readonly clock: Clock;
      readonly logger: Logger;
      readonly metrics: MetricsRegistry;
      readonly windowSeconds: number;
      readonly maxPriceDeviation: number;
      /** When given, a BUY that never became an order gives its trigger back (G2 claim at `threshold`). */
      readonly triggers?: Pick<TriggerGate, 'releaseTrigger'>;
      readonly threshold?: number;
    },
  ) {
    this.outcomes = deps.metrics.counter('polybot_approvals_total', 'Approval requests by outcome', [
      'status',
    ]);
  }

  async request(order: OrderRequest): Promise<ApprovalRecord> {
    const record = await this.deps.store.create({
      order,
      expiresAt: this.deps.clock.now() + this.deps.windowSeconds * 1000,
    });
    this.outcomes.inc({ status: 'pending' });
    this.deps.alerts.alert({
      severity: 'info',
      title: `Approval needed: ${order.side} ${order.notional !== null ? `$${order.notional}` : `${order.size} shares`} @ ${order.price}`,
      detail: `id ${record.id} · token ${order.tokenId} · ${order.strategy}: ${order.reason} · expires in ${this.deps.windowSeconds}s`,
    });
    this.deps.logger.info('approval requested', {
      id: record.id,
      strategy: order.strategy,
      tokenId: order.tokenId,
      price: order.price,
    });
    return record;
  }

  async approve(id: string, decidedBy = 'operator'): Promise<ApprovalDecisionResult> {
    const record = await this.deps.store.get(id);
    if (record === null) return { executed: false, reason: `approval ${id} not found` };
    if (record.status !== 'pending') return { executed: false, reason: `approval ${id} is ${record.status}` };
    if (this.deps.clock.now() > record.expiresAt) {
      await this.expireDue();
      return { executed: false, reason: `approval ${id} expired` };
    }
    if (!(await this.deps.store.decide(id, 'approved', decidedBy))) {
      return { executed: false, reason: `approval ${id} was decided concurrently or expired` };
    }
    const { order } = record;
    try {
      const check = await this.deps.prices.verifyPrice(
        order.tokenId,
        Number(order.triggerPrice),
        this.deps.maxPriceDeviation,
      );
      if (!check.valid) {
        await this.deps.store.markFailed(id, `price re-check failed: ${check.reason}`);
        await this.giveBack(order);
        this.outcomes.inc({ status: 'failed' });
        return { executed: false, reason: `price re-check failed: ${check.reason}` };
      }
      const outcome = await this.deps.executor.submit(order);
      if (!outcome.accepted) {
        await this.deps.store.markFailed(id, outcome.reason ?? 'execution refused');
        if (outcome.state === undefined || outcome.state === 'rejected') await this.giveBack(order);
        this.outcomes.inc({ status: 'failed' });
        return { executed: false, reason: outcome.reason ?? 'execution refused' };
      }
      if (outcome.clientOrderId !== undefined) await this.deps.store.markExecuted(id, outcome.clientOrderId);
      this.outcomes.inc({ status: 'executed' });
      return { executed: true, clientOrderId: outcome.clientOrderId };
    } catch (error) {
      await this.deps.store.markFailed(id, describeError(error));
      this.outcomes.inc({ status: 'failed' });
      throw error;
    }
  }

  async reject(id: string, decidedBy = 'operator'): Promise<boolean> {
    const ok = await this.deps.store.decide(id, 'rejected', decidedBy);
    if (ok) {
      this.outcomes.inc({ status: 'rejected' });
      const record = await this.deps.store.get(id);
      if (record !== null) await this.giveBack(record.order);
    }
    return ok;
  }

  /** Expires every pending approval past its window. */
  async expireDue(): Promise<number> {
    const expired = await this.deps.store.expireDue(this.deps.clock.now());
    for (const record of expired) {
      this.logExpired(record);
      await this.giveBack(record.order);
    }
    return expired.length;
  }

  /** Core claimed the market's trigger when it asked for approval; no order came of it, so it goes back. */
  private async giveBack(order: OrderRequest): Promise<void> {
    const { triggers, threshold } = this.deps;
    if (triggers === undefined || threshold === undefined || order.side !== 'BUY') return;
    await triggers.releaseTrigger({
      tokenId: order.tokenId,
      conditionId: order.conditionId,
      threshold,
      strategy: order.strategy,
    });
  }

  start(intervalMs = 5_000): void {
    if (this.timer !== null) return;
    this.timer = setInterval(() => {
      this.expireDue().catch((error: unknown) =>
        this.deps.logger.error('approval expiry sweep failed', { error: describeError(error) }),
      );
    }, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  private logExpired(record: ApprovalRecord): void {
    this.outcomes.inc({ status: 'expired' });
    this.deps.logger.info('approval expired; opportunity logged, not executed', {
      id: record.id,
      strategy: record.order.strategy,
      tokenId: record.order.tokenId,
      price: record.order.price,
    });
  }
}
