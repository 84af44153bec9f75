-- +goose Up

-- Usage rolled up per account, category and UTC day, in the transaction
-- that records each event, so that summaries read days, not events.
CREATE TABLE usage_daily (
    project_sid  text NOT NULL REFERENCES accounts (sid),
    account_sid  text NOT NULL REFERENCES accounts (sid),
    category     text NOT NULL,
    day          date NOT NULL,
    count        bigint NOT NULL,
    usage        numeric NOT NULL,
    price        numeric NOT NULL,
    PRIMARY KEY (project_sid, account_sid, category, day)
);
INSERT INTO usage_daily (project_sid, account_sid, category, day, count, usage, price)
SELECT project_sid, account_sid, category, (at AT TIME ZONE 'UTC')::date, sum(count), sum(usage), sum(price)
FROM usage_events GROUP BY 1, 2, 3, 4;

-- +goose Down
DROP TABLE usage_daily;
