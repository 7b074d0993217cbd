import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { isPrivateKey, jsonErrorLocation, normalizePrivateKey, readCredsFile } from './creds.js';

const SECRET = 'S3cr3t-api-secret-value';
const PASSPHRASE = 'very-private-passphrase';

describe('readCredsFile', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'polybot-creds-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function write(content: string, mode = 0o600): string {
    const path = join(dir, 'polymarket_api_creds.json');
    writeFileSync(path, content);
    chmodSync(path, mode);
    return path;
  }

  it('reads the seed format', () => {
    const creds = {
      api_key: 'key',
      api_secret: SECRET,
      api_passphrase: PASSPHRASE,
      private_key: `0x${'1'.repeat(64)}`,
      funder: `0x${'a'.repeat(40)}`,
      signature_type: 2,
      host: 'https://clob.polymarket.com',
      chain_id: 137,
    };
    const result = readCredsFile(write(JSON.stringify(creds)));
    expect(result).to.deep.include({ status: 'loaded', creds, problems: [], warnings: [] });
  });

  it('treats a missing file as absent, not as an error', () => {
    expect(readCredsFile(join(dir, 'none.json'))).to.deep.include({
      status: 'missing',
      creds: null,
      problems: [],
    });
  });

  it('names the file and the position of a JSON syntax error without quoting the content', () => {
    const path = write(
      `{\n  "api_key": "k",\n  "api_secret": "${SECRET}",\n  "api_passphrase": "${PASSPHRASE}",\n}`,
    );
    const result = readCredsFile(path);
    expect(result.status).to.equal('invalid');
    expect(result.problems).to.have.length(1);
    expect(result.problems[0]).to.match(new RegExp(`^creds file ${path} is not valid JSON`));
    expect(result.problems[0]).not.to.include(SECRET);
    expect(result.problems[0]).not.to.include(PASSPHRASE);
  });

  it('never quotes the excerpt V8 puts in some JSON errors', () => {
    const path = write(`{"api_key": "k", "api_secret": ${SECRET}}`);
    const [problem] = readCredsFile(path).problems;
    expect(problem).to.equal(`creds file ${path} is not valid JSON`);
  });

  it('reports every field problem by JSON path, never echoing a value', () => {
    const path = write(
      JSON.stringify({
        api_key: '',
        api_secret: 42,
        api_passphrase: PASSPHRASE,
        private_key: `${SECRET}-not-hex`,
        funder: '0x1234',
        signature_type: 7,
        chain_id: 'polygon',
        api_passprase: 'typo',
      }),
    );
    const result = readCredsFile(path);
    expect(result.status).to.equal('invalid');
    const text = result.problems.join('\n');
    expect(result.problems).to.have.length(7);
    expect(text).to.include(`creds file ${path} /api_key: must NOT have fewer than 1 characters`);
    expect(text).to.include('/api_secret: must be string');
    expect(text).to.include('/private_key: must be 64 hex digits, optionally 0x-prefixed');
    expect(text).to.include('/funder: must be a 0x-prefixed 40-hex-digit address');
    expect(text).to.include('/signature_type: must be one of 0, 1, 2');
    expect(text).to.include('/chain_id: must be integer');
    expect(text).to.match(/\/api_passprase: unknown key "api_passprase" \(did you mean "api_passphrase"\?\)/);
    expect(text).not.to.include(SECRET);
    expect(text).not.to.include(PASSPHRASE);
  });

  it('reports a file that is not a JSON object', () => {
    const result = readCredsFile(write('"just a string"'));
    expect(result.problems).to.deep.equal([
      `creds file ${join(dir, 'polymarket_api_creds.json')} /: must be object`,
    ]);
  });

  it('reports a directory in place of the file', () => {
    const path = join(dir, 'creds-dir');
    mkdirSync(path);
    expect(readCredsFile(path).problems).to.deep.equal([`creds file ${path} is a directory`]);
  });

  it('warns when other users can read the file', () => {
    const path = write(
      JSON.stringify({ api_key: 'k', api_secret: SECRET, api_passphrase: PASSPHRASE }),
      0o640,
    );
    expect(readCredsFile(path).warnings).to.deep.equal([
      `creds file ${path} is readable by other users (mode 640); run chmod 600 ${path}`,
    ]);
  });
});

describe('creds helpers', () => {
  it('locates JSON syntax errors by line and column', () => {
    const text = '{\n  "a": 1,\n}';
    let error: unknown;
    try {
      JSON.parse(text);
    } catch (e) {
      error = e;
    }
    expect(jsonErrorLocation(error, text)).to.equal(' (syntax error at line 3 column 1)');
    expect(jsonErrorLocation(new SyntaxError('Unexpected end of JSON input'), '{')).to.equal(
      ' (unexpected end of file)',
    );
    expect(jsonErrorLocation(new SyntaxError('Expected property name at position 2'), '{\n x')).to.equal(
      ' (syntax error at line 2 column 1)',
    );
  });

  it('normalizes private keys to 0x form', () => {
    expect(normalizePrivateKey('ab'.repeat(32))).to.equal(`0x${'ab'.repeat(32)}`);
    expect(normalizePrivateKey(`0x${'ab'.repeat(32)}`)).to.equal(`0x${'ab'.repeat(32)}`);
    expect(isPrivateKey('ab'.repeat(32))).to.equal(true);
    expect(isPrivateKey('ab'.repeat(31))).to.equal(false);
  });
});

describe('polymarket_api_creds.json.example', () => {
  const example = fileURLToPath(new URL('../../../polymarket_api_creds.json.example', import.meta.url));

  it('has every field of the seed format and is refused until filled in', () => {
    const fields = Object.keys(JSON.parse(readFileSync(example, 'utf8')) as object);
    expect(fields).to.deep.equal([
      'api_key',
      'api_secret',
      'api_passphrase',
      'private_key',
      'funder',
      'signature_type',
      'host',
      'chain_id',
    ]);
    const result = readCredsFile(example);
    expect(result.status).to.equal('invalid');
    expect(result.problems.map((p) => p.slice(example.length + 12))).to.deep.equal([
      "/api_key: still holds the example's placeholder; fill in your own",
      "/api_secret: still holds the example's placeholder; fill in your own",
      "/api_passphrase: still holds the example's placeholder; fill in your own",
      "/private_key: still holds the example's placeholder; fill in your own",
    ]);
  });
});
