import { expect } from 'chai';
import { VenueError } from '../../errors.js';
import { StubHttpServer } from '../testing/stub-server.js';
import { testDeps } from '../testing/context.js';
import { compileSchema } from '../validation/ajv.js';
import { HttpClient } from './http-client.js';

const validatePrice = compileSchema<{ price: string }>({
  type: 'object',
  required: ['price'],
  properties: { price: { type: 'string' } },
});

describe('HttpClient', () => {
  let server: StubHttpServer;
  let url: string;
  let client: HttpClient;
  let deps: ReturnType<typeof testDeps>;

  function makeClient(ingestion: Record<string, unknown> = {}): HttpClient {
    deps = testDeps({
      polymarket: { clobUrl: `${url}/`, gammaUrl: url, dataUrl: url },
      ingestion: { httpRetries: 3, httpTimeoutMs: 2000, ...ingestion },
    });
    const created = new HttpClient(deps.config, deps.logger, deps.metrics);
    created.retryPolicy = { ...created.retryPolicy, baseMs: 10, maxMs: 50 };
    return created;
  }

  beforeEach(async () => {
    server = new StubHttpServer();
    url = await server.start();
    client = makeClient();
  });

  afterEach(async () => {
    client.close();
    await server.stop();
  });

  const get = (path = '/price') =>
    client.request({
      service: 'clob',
      path,
      query: { token_id: '1', side: 'BUY', skip: undefined },
      validate: validatePrice,
    });

  it('returns the validated body and sends the query', async () => {
    server.on('GET /price', () => ({ body: { price: '0.52' } }));
    expect(await get()).to.deep.equal({ price: '0.52' });
    expect(server.requests[0]?.query.get('token_id')).to.equal('1');
    expect(server.requests[0]?.query.has('skip')).to.equal(false);
  });

  it('retries 5xx with backoff and succeeds, counting each failed attempt', async () => {
    let n = 0;
    server.on('GET /price', () =>
      ++n <= 2 ? { status: 502, body: 'bad gateway' } : { body: { price: '0.5' } },
    );
    expect(await get()).to.deep.equal({ price: '0.5' });
    expect(server.count('GET /price')).to.equal(3);
    expect(
      await deps.metrics.value('polybot_http_errors_total', { reason: '502', endpoint: '/price' }),
    ).to.equal(2);
    expect(await deps.metrics.value('polybot_http_retries_total')).to.equal(2);
  });

  it('honours Retry-After (seconds) on 429 before retrying', async () => {
    const at: number[] = [];
    server.on('GET /price', () => {
      at.push(Date.now());
      return at.length === 1
        ? { status: 429, headers: { 'retry-after': '1' }, body: { error: 'rate limited' } }
        : { body: { price: '0.5' } };
    });
    expect(await get()).to.deep.equal({ price: '0.5' });
    expect(at).to.have.length(2);
    // The retry waited for the venue's Retry-After, not our 10 ms backoff.
    expect((at[1] as number) - (at[0] as number)).to.be.at.least(990);
  });

  it('honours Retry-After given as an HTTP date', async () => {
    let n = 0;
    server.on('GET /price', () =>
      ++n === 1
        ? { status: 429, headers: { 'retry-after': new Date(Date.now() - 1000).toUTCString() } }
        : { body: { price: '0.5' } },
    );
    expect(await get()).to.deep.equal({ price: '0.5' });
    expect(n).to.equal(2);
  });

  it('gives up at once when Retry-After is longer than it is willing to wait', async () => {
    server.on('GET /price', () => ({ status: 429, headers: { 'retry-after': '3600' } }));
    const error = await get().catch((e: unknown) => e);
    expect(error).to.be.instanceOf(VenueError);
    expect((error as VenueError).code).to.equal('rate_limited');
    expect((error as VenueError).status).to.equal(429);
    expect((error as Error).message).to.match(/Retry-After 3600 s/);
    expect(server.count('GET /price')).to.equal(1);
  });

  it('uses retry_after_seconds from a 503 body (cancel-only periods)', async () => {
    let n = 0;
    server.on('GET /price', () =>
      ++n === 1
        ? { status: 503, body: { error: 'cancel-only', retry_after_seconds: 0.05 } }
        : { body: { price: '0.4' } },
    );
    expect(await get()).to.deep.equal({ price: '0.4' });
  });

  it('does not retry 4xx other than 429, and names the venue error', async () => {
    server.on('GET /price', () => ({ status: 400, body: { error: 'Invalid token id' } }));
    const error = (await get().catch((e: unknown) => e)) as VenueError;
    expect(error.code).to.equal('http_status');
    expect(error.status).to.equal(400);
    expect(error.message).to.match(/HTTP 400: Invalid token id/);
    expect(server.count('GET /price')).to.equal(1);
    const missing = (await get('/nowhere').catch((e: unknown) => e)) as VenueError;
    expect(missing.code).to.equal('not_found');
    expect(server.count('GET /nowhere')).to.equal(1);
  });

  it('gives up after the configured retries', async () => {
    server.on('GET /price', () => ({ status: 500, body: 'oops' }));
    const error = (await get().catch((e: unknown) => e)) as VenueError;
    expect(error.code).to.equal('server_error');
    expect(error.message).to.match(/HTTP 500: oops/);
    expect(server.count('GET /price')).to.equal(4);
  });

  it('treats a body that is not JSON, or of the wrong shape, as malformed and does not retry', async () => {
    server.on('GET /price', () => ({ body: '<html>oops</html>' }));
    server.on('GET /shape', () => ({ body: { price: 5 } }));
    const notJson = (await get().catch((e: unknown) => e)) as VenueError;
    expect(notJson.code).to.equal('malformed_response');
    expect(notJson.message).to.match(/not JSON: <html>/);
    const wrongShape = (await get('/shape').catch((e: unknown) => e)) as VenueError;
    expect(wrongShape.message).to.match(/price must be string/);
    expect(server.count('GET /price') + server.count('GET /shape')).to.equal(2);
    expect(await deps.metrics.value('polybot_http_errors_total', { reason: 'malformed' })).to.equal(2);
  });

  it('times out a hung request and retries it', async () => {
    client.close();
    client = makeClient({ httpTimeoutMs: 100, httpRetries: 1 });
    server.on('GET /price', () => ({ body: { price: '0.5' }, delayMs: 2000 }));
    const error = (await get().catch((e: unknown) => e)) as VenueError;
    expect(error.code).to.equal('timeout');
    expect(server.count('GET /price')).to.equal(2);
    expect(await deps.metrics.value('polybot_http_errors_total', { reason: 'timeout' })).to.equal(2);
  });

  it('retries network errors', async () => {
    await server.stop();
    client.close();
    client = makeClient({ httpRetries: 1 });
    const error = (await get().catch((e: unknown) => e)) as VenueError;
    expect(error.code).to.equal('network');
    expect(error.message).to.match(/ECONNREFUSED/);
    expect(await deps.metrics.value('polybot_http_errors_total', { reason: 'network' })).to.equal(2);
  });

  it('keeps at most httpConcurrency requests in flight', async () => {
    client.close();
    client = makeClient({ httpConcurrency: 4 });
    server.on('GET /price', () => ({ body: { price: '0.5' }, delayMs: 20 }));
    await Promise.all(Array.from({ length: 20 }, () => get()));
    expect(server.requests).to.have.length(20);
    expect(server.maxInFlight).to.equal(4);
    expect(client.requestsInFlight).to.equal(0);
  });

  it('POSTs JSON bodies', async () => {
    server.on('POST /books', (req) => ({
      body: { price: String((JSON.parse(req.body) as unknown[]).length) },
    }));
    const answer = await client.request({
      service: 'clob',
      method: 'POST',
      path: '/books',
      body: [1, 2, 3],
      validate: validatePrice,
    });
    expect(answer.price).to.equal('3');
  });

  it('close() cancels a pending retry and refuses new requests', async () => {
    server.on('GET /price', () => ({ status: 429, headers: { 'retry-after': '30' } }));
    const pending = get().catch((e: unknown) => e);
    while (server.count('GET /price') === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await new Promise((resolve) => setTimeout(resolve, 20));
    client.close();
    expect(((await pending) as VenueError).code).to.equal('client_closed');
    expect(((await get().catch((e: unknown) => e)) as VenueError).code).to.equal('client_closed');
  });
});
