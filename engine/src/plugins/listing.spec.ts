import { join } from 'node:path';
import { expect } from 'chai';
import { listStrategies } from './listing.js';
import { removeTemp, tempRoot, VALID_PACKAGE, writePlugin } from './testing/temp-plugin.js';

describe('strategy listing', () => {
  let root = '';

  before(() => {
    root = tempRoot('listing');
  });

  after(() => removeTemp(root));

  it('lists first-party strategies, then installed ones with their check results, skipping other packages', () => {
    const managed = join(root, 'plugins', 'node_modules');
    writePlugin(join(managed, '@acme'), 'strategy-good', {
      ...VALID_PACKAGE,
      name: '@acme/strategy-good',
      version: '3.1.0',
    });
    writePlugin(managed, 'strategy-broken', {
      ...VALID_PACKAGE,
      name: 'strategy-broken',
      keywords: ['polybot-strategy'],
      polybot: { apiVersion: 9, entry: './index.js' },
    });
    writePlugin(join(root, 'node_modules'), 'left-pad', { name: 'left-pad', version: '1.0.0' }, {}, false);
    const listed = listStrategies({ deploymentDir: root, pluginsDir: 'plugins' });
    expect(listed[0]).to.deep.include({ spec: 'high_prob_yes', source: 'first-party', loadable: true });
    const installed = listed.filter((l) => l.source === 'npm' && l.dir.startsWith(root));
    expect(installed.map((l) => [l.spec, l.version, l.loadable])).to.deep.equal([
      ['@acme/strategy-good', '3.1.0', true],
      ['strategy-broken', null, false],
    ]);
    expect(installed[1]?.problem).to.include('targets SDK API 9');
  });
});
