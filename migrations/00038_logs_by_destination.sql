-- +goose Up

-- Programmable SMS › Logs and Voice › Logs page through an account's
-- messages and calls by (date_created, sid) on the accounts' time indexes,
-- which serve the keyset's row comparison as an index condition. Filtered
-- by To (the question "what did we send this customer?"), a page would
-- walk every entry of the account to find a few: these indexes walk only
-- that destination's, in the same order. A To never changes, so they cost
-- an insert and no status update. (EXPLAIN at 300,000 messages: 51 rows
-- read for a page of 50, none for a number never called.)
CREATE INDEX messages_account_to ON messages (project_sid, account_sid, to_number, date_created, sid);
CREATE INDEX calls_account_to ON calls (project_sid, account_sid, to_number, date_created, sid);

-- +goose Down
DROP INDEX calls_account_to;
DROP INDEX messages_account_to;
