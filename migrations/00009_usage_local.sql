-- +goose Up

-- Usage rolled up per account, category and day of the project's time
-- zone, written with each event, so that the console's summaries, charts
-- and usage triggers read a few rows per day whatever the event volume.
-- The API keeps reading usage_daily (GMT days, as Twilio). A change of
-- the project's time zone rebuilds these rows from usage_events.
CREATE TABLE usage_local_daily (
    project_sid  text NOT NULL REFERENCES accounts (sid),
    account_sid  text NOT NULL REFERENCES accounts (sid),
    category     text NOT NULL,
    day          date NOT NULL,
    count        bigint NOT NULL,
    usage        numeric NOT NULL,
    price        numeric NOT NULL,
    PRIMARY KEY (project_sid, account_sid, category, day)
);
INSERT INTO usage_local_daily (project_sid, account_sid, category, day, count, usage, price)
SELECT e.project_sid, e.account_sid, e.category, (e.at AT TIME ZONE p.time_zone)::date, sum(e.count), sum(e.usage), sum(e.price)
FROM usage_events e JOIN accounts p ON p.sid = e.project_sid GROUP BY 1, 2, 3, 4;

-- A monthly item that is metered usage (a phone number) names its usage
-- category, so that each month's renewal is recorded as usage too.
ALTER TABLE recurring_items ADD COLUMN usage_category text NOT NULL DEFAULT '';
UPDATE recurring_items r SET usage_category = 'phonenumbers-' || n.number_type
FROM incoming_phone_numbers n WHERE n.recurring_item = r.id;

-- +goose Down
ALTER TABLE recurring_items DROP COLUMN usage_category;
DROP TABLE usage_local_daily;
