import { maskSecret, maskUrl } from '../util/redact.js';
import type { LoadedConfig } from './load.js';
import type { EngineConfig, PolymarketCreds, Secrets } from './types.js';

/** What `polybot config show` prints: the effective config, which secrets are set (masked), and origins. */
export interface EffectiveConfigView {
  readonly config: EngineConfig;
  readonly secrets: Record<string, unknown>;
  readonly sources: LoadedConfig['sources'];
}

export function effectiveConfigView(loaded: LoadedConfig): EffectiveConfigView {
  const { config, secrets } = loaded;
  return {
    config: {
      ...config,
      database: {
        ...config.database,
        url: config.database.url === null ? null : maskUrl(config.database.url),
      },
    },
    secrets: maskSecrets(secrets),
    sources: loaded.sources,
  };
}

export function maskSecrets(secrets: Secrets): Record<string, unknown> {
  const mask = (value: string | null): string | null => (value === null ? null : maskSecret(value));
  return {
    dashboardApiKey: mask(secrets.dashboardApiKey),
    telegramBotToken: mask(secrets.telegramBotToken),
    telegramChatId: secrets.telegramChatId,
    privateKey: mask(secrets.privateKey),
    polymarketCreds: secrets.polymarketCreds === null ? null : maskCreds(secrets.polymarketCreds),
  };
}

function maskCreds(creds: PolymarketCreds): Record<string, unknown> {
  return {
    api_key: maskSecret(creds.api_key),
    api_secret: maskSecret(creds.api_secret),
    api_passphrase: maskSecret(creds.api_passphrase),
    ...(creds.private_key !== undefined ? { private_key: maskSecret(creds.private_key) } : {}),
    // Public values: the funder address, the signature scheme and the endpoints.
    ...(creds.funder !== undefined ? { funder: creds.funder } : {}),
    ...(creds.signature_type !== undefined ? { signature_type: creds.signature_type } : {}),
    ...(creds.host !== undefined ? { host: creds.host } : {}),
    ...(creds.chain_id !== undefined ? { chain_id: creds.chain_id } : {}),
  };
}

/**
 * Every secret string this process holds, for the log scrubber: whatever key or message they end
 * up in, these never reach a log line. The Telegram chat id is not secret and is left out.
 */
export function secretValues(config: EngineConfig, secrets: Secrets): string[] {
  const values = [secrets.dashboardApiKey, secrets.telegramBotToken, secrets.privateKey];
  if (secrets.privateKey !== null) values.push(secrets.privateKey.replace(/^0x/, ''));
  const creds = secrets.polymarketCreds;
  if (creds !== null) {
    values.push(creds.api_key, creds.api_secret, creds.api_passphrase, creds.private_key ?? null);
    if (creds.private_key !== undefined) values.push(creds.private_key.replace(/^0x/, ''));
  }
  if (config.database.url !== null) {
    try {
      const password = decodeURIComponent(new URL(config.database.url).password);
      if (password !== '') values.push(password);
    } catch {
      // Not a URL (validation reports it); nothing to extract.
    }
  }
  return [...new Set(values.filter((v): v is string => v !== null && v !== ''))];
}
