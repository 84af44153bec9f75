-- +goose Up

-- Monthly number prices (Twilio's 2026 list prices; JPY at about 150 JPY/USD).
INSERT INTO prices (category, country, currency, price, unit) VALUES
    ('phonenumbers-local',    'US', 'USD', 1.15, 'numbers'),
    ('phonenumbers-local',    'US', 'JPY', 172,  'numbers'),
    ('phonenumbers-local',    'JP', 'USD', 4.5,  'numbers'),
    ('phonenumbers-local',    'JP', 'JPY', 675,  'numbers'),
    ('phonenumbers-tollfree', 'US', 'USD', 2.15, 'numbers'),
    ('phonenumbers-tollfree', 'US', 'JPY', 322,  'numbers'),
    ('phonenumbers-tollfree', 'JP', 'USD', 15,   'numbers'),
    ('phonenumbers-tollfree', 'JP', 'JPY', 2250, 'numbers'),
    ('phonenumbers-mobile',   'JP', 'USD', 6,    'numbers'),
    ('phonenumbers-mobile',   'JP', 'JPY', 900,  'numbers');

-- Numbers bought from the generated inventory; a number is owned by one
-- account at a time.
CREATE TABLE incoming_phone_numbers (
    sid            text PRIMARY KEY,           -- PN + 32 hex
    project_sid    text NOT NULL REFERENCES accounts (sid),
    account_sid    text NOT NULL REFERENCES accounts (sid),
    phone_number   text NOT NULL,
    friendly_name  text NOT NULL,
    country        text NOT NULL,
    number_type    text NOT NULL CHECK (number_type IN ('local', 'tollfree', 'mobile')),
    recurring_item text NOT NULL REFERENCES recurring_items (id),
    date_created   timestamptz NOT NULL DEFAULT now(),
    date_updated   timestamptz NOT NULL DEFAULT now(),
    released_at    timestamptz
);
CREATE UNIQUE INDEX incoming_phone_numbers_owned ON incoming_phone_numbers (phone_number) WHERE released_at IS NULL;
CREATE INDEX incoming_phone_numbers_account ON incoming_phone_numbers (project_sid, account_sid, date_created, sid);

-- +goose Down
DROP TABLE incoming_phone_numbers;
DELETE FROM prices WHERE category LIKE 'phonenumbers-%';
