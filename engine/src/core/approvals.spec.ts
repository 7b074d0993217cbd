import { expect } from 'chai';
import { createSilentLogger } from '../monitoring/logger.js';
import { MetricsRegistry } from '../monitoring/metrics.js';
import { ManualClock } from '../util/clock.js';
import { ApprovalService } from './approvals.js';
import type { OrderRequest } from './ports.js';
import { ArrayApprovals, RecordingExecutor, SetTriggers } from './testing/in-memory-ports.js';

const ORDER: OrderRequest = {
  strategy: 's1',
  tokenId: 'yes',
  conditionId: '0xc1',
  side: 'BUY',
  price: '0.96',
  size: null,
  notional: '20',
  orderType: 'GTC',
  expiresInSeconds: null,
  reason: 'go',
  triggerPrice: '0.96',
};

describe('ApprovalService', () => {
  let clock: ManualClock;
  let store: ArrayApprovals;
  let executor: RecordingExecutor;
  let priceValid: boolean;
  let alerts: string[];
  let service: ApprovalService;
  let triggers: SetTriggers;

  beforeEach(async () => {
    triggers = new SetTriggers();
    await triggers.recordTrigger({ tokenId: ORDER.tokenId, conditionId: ORDER.conditionId, threshold: 0.95 });
    clock = new ManualClock(Date.UTC(2026, 0, 15));
    store = new ArrayApprovals();
    executor = new RecordingExecutor();
    priceValid = true;
    alerts = [];
    service = new ApprovalService({
      store,
      executor,
      prices: {
        verifyPrice: async () => ({
          valid: priceValid,
          actualPrice: priceValid ? 0.96 : 0.05,
          reason: priceValid ? 'ok' : 'book at 0.05',
        }),
      },
      alerts: { alert: (a) => void alerts.push(a.title) },
      clock,
      logger: createSilentLogger(),
      metrics: new MetricsRegistry(),
      windowSeconds: 300,
      maxPriceDeviation: 0.1,
      triggers,
      threshold: 0.95,
    });
  });

  it('executes an approval granted within the window, once', async () => {
    const record = await service.request(ORDER);
    expect(alerts[0]).to.contain('Approval needed');
    clock.advance(60_000);
    expect(await service.approve(record.id)).to.deep.equal({ executed: true, clientOrderId: 'c-1' });
    expect(executor.orders).to.have.length(1);
    expect(await service.approve(record.id)).to.deep.include({ executed: false });
    expect(executor.orders).to.have.length(1);
    expect((await store.get(record.id))?.status).to.equal('executed');
  });

  it('never executes after the window: the approval expires and is logged', async () => {
    const record = await service.request(ORDER);
    clock.advance(301_000);
    expect(await service.approve(record.id)).to.deep.equal({
      executed: false,
      reason: `approval ${record.id} expired`,
    });
    expect(executor.orders).to.have.length(0);
    expect((await store.get(record.id))?.status).to.equal('expired');
  });

  it('the expiry sweep expires every overdue approval', async () => {
    await service.request(ORDER);
    await service.request(ORDER);
    clock.advance(301_000);
    expect(await service.expireDue()).to.equal(2);
    expect(await store.listPending()).to.have.length(0);
  });

  it('re-checks the price on approval and refuses when the book moved away (G5)', async () => {
    const record = await service.request(ORDER);
    priceValid = false;
    expect(await service.approve(record.id)).to.deep.equal({
      executed: false,
      reason: 'price re-check failed: book at 0.05',
    });
    expect(executor.orders).to.have.length(0);
    expect((await store.get(record.id))?.status).to.equal('failed');
  });

  it('records a refusal by execution as failed', async () => {
    executor.outcome = { accepted: false, reason: 'max positions reached' };
    const record = await service.request(ORDER);
    expect(await service.approve(record.id)).to.deep.equal({
      executed: false,
      reason: 'max positions reached',
    });
    expect((await store.get(record.id))?.status).to.equal('failed');
  });

  it('marks the approval failed and rethrows when execution throws', async () => {
    executor.submit = async () => {
      throw new Error('venue down');
    };
    const record = await service.request(ORDER);
    let thrown: unknown;
    try {
      await service.approve(record.id);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).to.be.instanceOf(Error);
    expect((await store.get(record.id))?.status).to.equal('failed');
  });

  it('rejects, and reports unknown ids', async () => {
    const record = await service.request(ORDER);
    expect(await service.reject(record.id)).to.equal(true);
    expect(await service.reject(record.id)).to.equal(false);
    expect(await service.approve('999')).to.deep.equal({ executed: false, reason: 'approval 999 not found' });
  });

  it('start/stop run the expiry sweep on a timer', () => {
    service.start(10);
    service.start(10);
    service.stop();
    service.stop();
  });

  it("gives the market's trigger back when an approval expires, is rejected or fails its re-check", async () => {
    const expiring = await service.request(ORDER);
    clock.advance(301_000);
    await service.expireDue();
    expect(triggers.recorded, 'expired').to.have.length(0);
    expect((await store.get(expiring.id))?.status).to.equal('expired');

    await triggers.recordTrigger({ tokenId: ORDER.tokenId, conditionId: ORDER.conditionId, threshold: 0.95 });
    const rejected = await service.request(ORDER);
    await service.reject(rejected.id);
    expect(triggers.recorded, 'rejected').to.have.length(0);

    await triggers.recordTrigger({ tokenId: ORDER.tokenId, conditionId: ORDER.conditionId, threshold: 0.95 });
    priceValid = false;
    const failing = await service.request(ORDER);
    await service.approve(failing.id);
    expect(triggers.recorded, 'failed re-check').to.have.length(0);
  });

  it('keeps the trigger of an executed approval, and of one whose order may exist at the venue', async () => {
    const executed = await service.request(ORDER);
    await service.approve(executed.id);
    expect(triggers.recorded).to.have.length(1);
    executor.outcome = { accepted: false, state: 'unknown', reason: 'venue did not answer' };
    const unknown = await service.request(ORDER);
    await service.approve(unknown.id);
    expect(triggers.recorded).to.have.length(1);
  });
});
