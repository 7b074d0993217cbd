import { expect } from 'chai';
import { LIMITS, parseRuntimeMessage, PROTOCOL_VERSION, sanitizeWireError, toWireError } from './protocol.js';

function problem(raw: unknown): string {
  const parsed = parseRuntimeMessage(raw);
  if (parsed.ok) throw new Error(`accepted ${JSON.stringify(raw)}`);
  return parsed.problem;
}

describe('plugin protocol: runtime messages are untrusted', () => {
  it('accepts each well-formed message', () => {
    const meta = {
      name: 'x',
      version: '1.0.0',
      apiVersion: 1,
      paramsSchema: { type: 'object' },
      defaultParams: { a: 1 },
    };
    expect(parseRuntimeMessage({ type: 'loaded', id: 1, protocol: PROTOCOL_VERSION, meta })).to.deep.equal({
      ok: true,
      message: { type: 'loaded', id: 1, protocol: 1, meta },
    });
    expect(
      parseRuntimeMessage({ type: 'result', id: 2, signal: { action: 'IGNORE' }, ms: 0.5 }),
    ).to.deep.equal({
      ok: true,
      message: { type: 'result', id: 2, signal: { action: 'IGNORE' }, ms: 0.5 },
    });
    for (const type of ['started', 'skipped', 'stopped']) {
      expect(parseRuntimeMessage({ type, id: 3, extra: 'dropped' })).to.deep.equal({
        ok: true,
        message: { type, id: 3 },
      });
    }
    const batch = parseRuntimeMessage({
      type: 'batchResult',
      id: 4,
      items: [{ signal: 1, ms: 2 }, { error: { name: 'E', message: 'm' }, ms: -1 }, { skipped: true }],
    });
    expect(batch).to.deep.equal({
      ok: true,
      message: {
        type: 'batchResult',
        id: 4,
        items: [{ signal: 1, ms: 2 }, { error: { name: 'E', message: 'm' }, ms: 0 }, { skipped: true }],
      },
    });
  });

  it('rejects anything without a valid id or type', () => {
    expect(problem('hello')).to.equal('message is not an object');
    expect(problem({ type: 'result' })).to.match(/no valid id/);
    expect(problem({ type: 'result', id: -1 })).to.match(/no valid id/);
    expect(problem({ type: 'result', id: 1.5 })).to.match(/no valid id/);
    expect(problem({ type: 'takeover', id: 1 })).to.equal('unknown message type "takeover"');
  });

  it('rejects malformed loaded, failed and batch messages', () => {
    expect(problem({ type: 'loaded', id: 1, protocol: 2, meta: {} })).to.equal(
      'runtime speaks protocol 2, host 1',
    );
    expect(
      problem({ type: 'loaded', id: 1, protocol: 1, meta: { name: '', version: '1', apiVersion: 1 } }),
    ).to.match(/meta.name/);
    expect(
      problem({ type: 'loaded', id: 1, protocol: 1, meta: { name: 'x', version: 1, apiVersion: 1 } }),
    ).to.match(/meta.version/);
    expect(
      problem({ type: 'loaded', id: 1, protocol: 1, meta: { name: 'x', version: '1', apiVersion: '1' } }),
    ).to.match(/apiVersion/);
    expect(problem({ type: 'loaded', id: 1, protocol: 1, meta: null })).to.equal('meta must be an object');
    const huge = { type: 'object', description: 'x'.repeat(LIMITS.schemaJsonChars) };
    expect(
      problem({
        type: 'loaded',
        id: 1,
        protocol: 1,
        meta: { name: 'x', version: '1', apiVersion: 1, paramsSchema: huge },
      }),
    ).to.match(/paramsSchema must be a JSON object/);
    expect(problem({ type: 'failed', id: 1, code: 'rm -rf', error: {} })).to.match(/unknown code/);
    expect(problem({ type: 'batchResult', id: 1, items: 'x' })).to.match(/must be an array/);
    expect(
      problem({ type: 'batchResult', id: 1, items: new Array(LIMITS.batchSize + 1).fill({ skipped: true }) }),
    ).to.match(/must be an array/);
    expect(problem({ type: 'batchResult', id: 1, items: [{ nothing: true }] })).to.match(/malformed item/);
  });

  it('clips error fields and drops the rest', () => {
    const error = sanitizeWireError({
      name: 'E'.repeat(100),
      message: 'm'.repeat(5000),
      stack: 's'.repeat(10_000),
      code: 'X',
      evil: 1,
    });
    expect(error.name.length).to.equal(LIMITS.nameChars + 1);
    expect(error.message.length).to.equal(LIMITS.errorMessageChars + 1);
    expect(error.stack?.length).to.equal(LIMITS.errorStackChars + 1);
    expect(error).to.have.keys('name', 'message', 'stack', 'code');
    expect(sanitizeWireError(42)).to.deep.equal({ name: 'Error', message: '42' });
    expect(sanitizeWireError({})).to.deep.equal({ name: 'Error', message: 'unknown error' });
  });

  it('turns anything thrown into a wire error, keeping the code structured clone would drop', () => {
    const withCode = Object.assign(new Error('denied'), { code: 'ERR_ACCESS_DENIED' });
    expect(toWireError(withCode)).to.include({ name: 'Error', message: 'denied', code: 'ERR_ACCESS_DENIED' });
    expect(toWireError('plain')).to.deep.equal({ name: 'Error', message: 'plain' });
    expect(toWireError({ a: 1 })).to.deep.equal({ name: 'Error', message: '{"a":1}' });
    const circular: Record<string, unknown> = {};
    circular['self'] = circular;
    expect(toWireError(circular).message).to.equal('[object Object]');
  });
});
