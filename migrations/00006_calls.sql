-- +goose Up

-- Outbound calls are priced per started minute (Twilio's 2026 list prices:
-- to US numbers 0.014 USD, to Japanese mobiles 0.1576 USD; JPY at about
-- 150 JPY/USD).
INSERT INTO prices (category, country, currency, price, unit) VALUES
    ('calls-outbound', 'US', 'USD', 0.014,  'minutes'),
    ('calls-outbound', 'US', 'JPY', 2.1,    'minutes'),
    ('calls-outbound', 'JP', 'USD', 0.1576, 'minutes'),
    ('calls-outbound', 'JP', 'JPY', 23.64,  'minutes');

-- Calls placed through the API; the simulated network completes them.
CREATE TABLE calls (
    sid           text PRIMARY KEY,            -- CA + 32 hex
    project_sid   text NOT NULL REFERENCES accounts (sid),
    account_sid   text NOT NULL REFERENCES accounts (sid),
    to_number     text NOT NULL,
    from_number   text NOT NULL,
    status        text NOT NULL CHECK (status IN ('queued', 'completed')),
    direction     text NOT NULL DEFAULT 'outbound-api',
    duration      integer NOT NULL,            -- seconds
    price         numeric NOT NULL,            -- charged, positive
    price_unit    text NOT NULL,
    url           text NOT NULL DEFAULT '',
    twiml         text NOT NULL DEFAULT '',
    date_created  timestamptz NOT NULL DEFAULT now(),
    date_updated  timestamptz NOT NULL DEFAULT now(),
    start_time    timestamptz,
    end_time      timestamptz
);
CREATE INDEX calls_account_time ON calls (project_sid, account_sid, date_created DESC, sid);

-- +goose Down
DROP TABLE calls;
DELETE FROM prices WHERE category = 'calls-outbound';
