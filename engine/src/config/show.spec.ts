import { expect } from 'chai';
import { DEFAULT_CONFIG, mergeConfig } from './defaults.js';
import type { LoadedConfig } from './load.js';
import { effectiveConfigView, maskSecrets, secretValues } from './show.js';
import type { EngineConfig, Secrets } from './types.js';

const SECRETS: Secrets = {
  dashboardApiKey: 'dashboard-api-key-0123456789',
  telegramBotToken: '123456789:AAH-telegram-bot-token-xyz',
  telegramChatId: '-100987654',
  privateKey: `0x${'4f'.repeat(32)}`,
  polymarketCreds: {
    api_key: 'a1b2c3d4-e5f6-7890-abcd-ef0123456789',
    api_secret: 'YXBpLXNlY3JldC1iYXNlNjQtdmFsdWU=',
    api_passphrase: 'passphrase-for-the-api',
    private_key: `0x${'5e'.repeat(32)}`,
    funder: `0x${'77'.repeat(20)}`,
    signature_type: 2,
    chain_id: 137,
  },
};
const CONFIG: EngineConfig = mergeConfig(DEFAULT_CONFIG, {
  database: { url: 'postgres://polybot:db-password-123@db.internal:5432/polybot' },
});

function loaded(): LoadedConfig {
  return {
    config: CONFIG,
    secrets: SECRETS,
    sources: { configFile: null, credsFile: { path: '/x', status: 'loaded' }, values: {} },
    warnings: [],
  };
}

describe('config show view', () => {
  it('masks every secret and the database password, keeping what is public', () => {
    const text = JSON.stringify(effectiveConfigView(loaded()));
    for (const secret of secretValues(CONFIG, SECRETS)) expect(text, secret).not.to.include(secret);
    const view = effectiveConfigView(loaded());
    expect(view.config.database.url).to.equal('postgres://polybot:****@db.internal:5432/polybot');
    expect(view.secrets).to.deep.include({ telegramChatId: '-100987654', dashboardApiKey: 'da****89' });
    expect(view.secrets.polymarketCreds).to.deep.include({
      funder: SECRETS.polymarketCreds?.funder,
      signature_type: 2,
    });
    expect(view.config.risk).to.deep.equal(DEFAULT_CONFIG.risk);
  });

  it('shows unset secrets as null', () => {
    expect(
      maskSecrets({
        dashboardApiKey: null,
        telegramBotToken: null,
        telegramChatId: null,
        privateKey: null,
        polymarketCreds: null,
      }),
    ).to.deep.equal({
      dashboardApiKey: null,
      telegramBotToken: null,
      telegramChatId: null,
      privateKey: null,
      polymarketCreds: null,
    });
  });

  it('lists every secret value for the scrubber, with and without 0x, but not the chat id', () => {
    const values = secretValues(CONFIG, SECRETS);
    expect(values).to.include.members([
      SECRETS.dashboardApiKey,
      SECRETS.telegramBotToken,
      SECRETS.privateKey,
      '4f'.repeat(32),
      SECRETS.polymarketCreds?.api_secret,
      SECRETS.polymarketCreds?.api_passphrase,
      SECRETS.polymarketCreds?.api_key,
      '5e'.repeat(32),
      'db-password-123',
    ]);
    expect(values).not.to.include('-100987654');
    expect(new Set(values).size).to.equal(values.length);
  });
});
