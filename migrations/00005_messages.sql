-- +goose Up

-- The price list: what one unit of a usage category costs, per
-- destination country and currency. Figures follow Twilio's public list
-- prices (2026): an SMS segment to a US number is 0.0079 USD, to a
-- Japanese number 0.0783 USD; JPY prices are the same at about 150 JPY/USD.
CREATE TABLE prices (
    category  text NOT NULL,
    country   text NOT NULL,               -- ISO 3166 alpha-2 of the destination
    currency  text NOT NULL CHECK (currency IN ('JPY', 'USD')),
    price     numeric NOT NULL CHECK (price >= 0),
    unit      text NOT NULL,               -- what one priced unit is: 'segments', 'minutes', 'numbers'
    PRIMARY KEY (category, country, currency)
);
INSERT INTO prices (category, country, currency, price, unit) VALUES
    ('sms-outbound', 'US', 'USD', 0.0079, 'segments'),
    ('sms-outbound', 'US', 'JPY', 1.2,    'segments'),
    ('sms-outbound', 'JP', 'USD', 0.0783, 'segments'),
    ('sms-outbound', 'JP', 'JPY', 11.75,  'segments');

-- Messages sent through the API.
CREATE TABLE messages (
    sid             text PRIMARY KEY,          -- SM + 32 hex
    project_sid     text NOT NULL REFERENCES accounts (sid),
    account_sid     text NOT NULL REFERENCES accounts (sid),
    to_number       text NOT NULL,
    from_number     text NOT NULL,
    body            text NOT NULL,
    status          text NOT NULL CHECK (status IN ('queued', 'sent', 'delivered', 'failed')),
    direction       text NOT NULL DEFAULT 'outbound-api',
    num_segments    integer NOT NULL,
    encoding        text NOT NULL,
    price           numeric NOT NULL,          -- charged, positive
    price_unit      text NOT NULL,
    status_callback text NOT NULL DEFAULT '',
    date_created    timestamptz NOT NULL DEFAULT now(),
    date_updated    timestamptz NOT NULL DEFAULT now(),
    date_sent       timestamptz
);
CREATE INDEX messages_account_time ON messages (project_sid, account_sid, date_created DESC, sid);

-- Usage events, written with the charge that they explain.
CREATE TABLE usage_events (
    id           bigserial PRIMARY KEY,
    project_sid  text NOT NULL REFERENCES accounts (sid),
    account_sid  text NOT NULL REFERENCES accounts (sid),
    category     text NOT NULL,
    count        integer NOT NULL,             -- how many items (messages, calls)
    usage        numeric NOT NULL,             -- how much of the unit (segments, minutes)
    price        numeric NOT NULL,
    source       text NOT NULL,                -- the item's SID
    at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX usage_events_account_time ON usage_events (project_sid, account_sid, at);

-- +goose Down
DROP TABLE usage_events, messages, prices;
