-- polybot schema, version 1.
-- Conventions: every timestamp is timestamptz (G7); prices, sizes and money are NUMERIC (exact);
-- ids are bigint identities. Idempotent (IF NOT EXISTS) so a half-applied manual run can be re-run.
-- Never edit this file once released: add 0002_... instead (the checksum is recorded).

-- ---------------------------------------------------------------- markets and tokens

CREATE TABLE IF NOT EXISTS markets (
  condition_id    text PRIMARY KEY,
  question        text NOT NULL,
  category        text,
  tags            text[] NOT NULL DEFAULT '{}',
  end_date        timestamptz,
  neg_risk        boolean NOT NULL DEFAULT false,
  tick_size       numeric NOT NULL CHECK (tick_size > 0),
  min_order_size  numeric NOT NULL CHECK (min_order_size >= 0),
  active          boolean NOT NULL DEFAULT true,
  closed          boolean NOT NULL DEFAULT false,
  gamma_id        text,
  slug            text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS markets_open_idx ON markets (end_date) WHERE active AND NOT closed;

-- One condition has several tokens (G2): the token → condition map is what duplicate checks use.
CREATE TABLE IF NOT EXISTS tokens (
  token_id       text PRIMARY KEY,
  condition_id   text NOT NULL REFERENCES markets (condition_id) ON DELETE CASCADE,
  outcome        text NOT NULL,
  outcome_index  integer NOT NULL CHECK (outcome_index >= 0)
);
CREATE INDEX IF NOT EXISTS tokens_condition_idx ON tokens (condition_id);

-- ---------------------------------------------------------------- the tape (replayable)
-- No foreign keys: the tape records what arrived, even for markets not (yet) in the catalogue.

CREATE TABLE IF NOT EXISTS trades (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  token_id        text NOT NULL,
  condition_id    text,
  price           numeric NOT NULL,
  size            numeric,                   -- NULL when the source did not carry it (G3)
  side            text CHECK (side IN ('BUY', 'SELL')),
  traded_at       timestamptz NOT NULL,
  source          text NOT NULL,
  venue_trade_id  text,
  received_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS trades_token_time_idx ON trades (token_id, traded_at DESC);
CREATE INDEX IF NOT EXISTS trades_condition_time_idx ON trades (condition_id, traded_at DESC);
CREATE INDEX IF NOT EXISTS trades_time_idx ON trades (traded_at);

CREATE TABLE IF NOT EXISTS book_updates (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  token_id         text NOT NULL,
  condition_id     text,
  kind             text NOT NULL CHECK (kind IN ('snapshot', 'delta', 'tick_size_change')),
  payload          jsonb NOT NULL,
  venue_timestamp  timestamptz,
  hash             text,
  received_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS book_updates_token_time_idx ON book_updates (token_id, received_at);
CREATE INDEX IF NOT EXISTS book_updates_time_idx ON book_updates (received_at);

-- ---------------------------------------------------------------- triggers (G2)
-- At one threshold a condition triggers once, whichever of its tokens printed first. The unique
-- constraints make that hold across engines racing on one database (the loser's insert is a no-op).

CREATE TABLE IF NOT EXISTS triggers (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  token_id      text NOT NULL,
  condition_id  text NOT NULL,
  threshold     numeric NOT NULL,
  strategy      text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT triggers_condition_threshold_key UNIQUE (condition_id, threshold),
  CONSTRAINT triggers_token_threshold_key UNIQUE (token_id, threshold)
);

-- ---------------------------------------------------------------- orders and fills

CREATE TABLE IF NOT EXISTS orders (
  id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  client_order_id     text NOT NULL UNIQUE,
  venue_order_id      text UNIQUE,
  token_id            text NOT NULL,
  condition_id        text NOT NULL,
  strategy            text NOT NULL,
  side                text NOT NULL CHECK (side IN ('BUY', 'SELL')),
  order_type          text NOT NULL CHECK (order_type IN ('GTC', 'GTD', 'FOK', 'FAK')),
  price               numeric NOT NULL CHECK (price > 0 AND price < 1),
  size                numeric NOT NULL CHECK (size > 0),
  notional            numeric CHECK (notional >= 0),
  filled_size         numeric NOT NULL DEFAULT 0 CHECK (filled_size >= 0),
  average_fill_price  numeric,
  state               text NOT NULL DEFAULT 'pending' CHECK (state IN (
                        'pending', 'submitting', 'live', 'delayed', 'partially_filled', 'filled',
                        'cancelled', 'rejected', 'expired', 'unknown')),
  dry_run             boolean NOT NULL DEFAULT false,
  salt                text,
  order_hash          text,
  signed_payload      jsonb,
  venue_response      jsonb,
  error               text,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  submitted_at        timestamptz,
  expires_at          timestamptz
);
CREATE INDEX IF NOT EXISTS orders_state_idx ON orders (state)
  WHERE state IN ('pending', 'submitting', 'live', 'delayed', 'partially_filled', 'unknown');
CREATE INDEX IF NOT EXISTS orders_condition_idx ON orders (condition_id);

-- (trade_id, client_order_id) is unique, so re-importing the venue's trades is a no-op.
CREATE TABLE IF NOT EXISTS fills (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  trade_id         text NOT NULL,
  client_order_id  text NOT NULL REFERENCES orders (client_order_id),
  token_id         text NOT NULL,
  condition_id     text NOT NULL,
  side             text NOT NULL CHECK (side IN ('BUY', 'SELL')),
  price            numeric NOT NULL CHECK (price >= 0),
  size             numeric NOT NULL CHECK (size > 0),
  fee              numeric NOT NULL DEFAULT 0,
  filled_at        timestamptz NOT NULL,
  status           text,
  raw              jsonb,
  created_at       timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT fills_trade_order_key UNIQUE (trade_id, client_order_id)
);
CREATE INDEX IF NOT EXISTS fills_order_idx ON fills (client_order_id);

-- ---------------------------------------------------------------- positions

CREATE TABLE IF NOT EXISTS positions (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  token_id       text NOT NULL,
  condition_id   text NOT NULL,
  strategy       text NOT NULL,
  size           numeric NOT NULL DEFAULT 0 CHECK (size >= 0),
  average_price  numeric NOT NULL DEFAULT 0,
  cost_basis     numeric NOT NULL DEFAULT 0,
  realized_pnl   numeric NOT NULL DEFAULT 0,
  status         text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
  opened_at      timestamptz NOT NULL DEFAULT now(),
  closed_at      timestamptz,
  updated_at     timestamptz NOT NULL DEFAULT now(),
  CHECK ((status = 'closed') = (closed_at IS NOT NULL))
);
-- One open position per market: a second token of the same condition cannot open another (G2).
CREATE UNIQUE INDEX IF NOT EXISTS positions_one_open_per_condition ON positions (condition_id)
  WHERE status = 'open';
CREATE INDEX IF NOT EXISTS positions_strategy_idx ON positions (strategy, status);

-- ---------------------------------------------------------------- balance

CREATE TABLE IF NOT EXISTS balance_snapshots (
  id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  balance   numeric NOT NULL,
  source    text NOT NULL,
  taken_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS balance_snapshots_time_idx ON balance_snapshots (taken_at DESC, id DESC);

CREATE TABLE IF NOT EXISTS balance_reservations (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  client_order_id  text NOT NULL UNIQUE REFERENCES orders (client_order_id),
  amount           numeric NOT NULL CHECK (amount >= 0),
  created_at       timestamptz NOT NULL DEFAULT now(),
  released_at      timestamptz
);
CREATE INDEX IF NOT EXISTS balance_reservations_open_idx ON balance_reservations (client_order_id)
  WHERE released_at IS NULL;

-- ---------------------------------------------------------------- watchlist

CREATE TABLE IF NOT EXISTS watchlist (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  token_id       text NOT NULL,
  condition_id   text NOT NULL,
  strategy       text NOT NULL,
  reason         text NOT NULL,
  trigger_price  numeric,
  added_at       timestamptz NOT NULL DEFAULT now(),
  expires_at     timestamptz NOT NULL,
  status         text NOT NULL DEFAULT 'active'
                   CHECK (status IN ('active', 'triggered', 'expired', 'removed')),
  updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX IF NOT EXISTS watchlist_one_active ON watchlist (token_id, strategy)
  WHERE status = 'active';
CREATE INDEX IF NOT EXISTS watchlist_active_expiry_idx ON watchlist (expires_at) WHERE status = 'active';

-- ---------------------------------------------------------------- approvals

CREATE TABLE IF NOT EXISTS approval_alerts (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  token_id      text NOT NULL,
  condition_id  text NOT NULL,
  strategy      text NOT NULL,
  side          text NOT NULL CHECK (side IN ('BUY', 'SELL')),
  price         numeric NOT NULL,
  size          numeric,
  notional      numeric,
  reason        text NOT NULL,
  status        text NOT NULL DEFAULT 'pending'
                  CHECK (status IN ('pending', 'approved', 'rejected', 'expired', 'executed', 'failed')),
  payload       jsonb,
  created_at    timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz NOT NULL,
  decided_at    timestamptz,
  decided_by    text,
  failure       text
);
CREATE INDEX IF NOT EXISTS approval_alerts_pending_idx ON approval_alerts (expires_at) WHERE status = 'pending';

CREATE TABLE IF NOT EXISTS trade_approvals (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  alert_id         bigint NOT NULL UNIQUE REFERENCES approval_alerts (id),
  approved_by      text NOT NULL,
  approved_at      timestamptz NOT NULL DEFAULT now(),
  client_order_id  text UNIQUE REFERENCES orders (client_order_id)
);

-- ---------------------------------------------------------------- strategy decisions

CREATE TABLE IF NOT EXISTS strategy_decisions (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  strategy      text NOT NULL,
  token_id      text NOT NULL,
  condition_id  text NOT NULL,
  action        text NOT NULL,
  reason        text NOT NULL,
  price         numeric,
  size          numeric,
  notional      numeric,
  trigger_data  jsonb,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS strategy_decisions_time_idx ON strategy_decisions (created_at DESC);
CREATE INDEX IF NOT EXISTS strategy_decisions_strategy_idx ON strategy_decisions (strategy, created_at DESC);
CREATE INDEX IF NOT EXISTS strategy_decisions_condition_idx ON strategy_decisions (condition_id, created_at DESC);
