-- +goose Up
-- The simulated carrier finds the messages it has yet to send or deliver
-- by status, across projects, a few thousand at a time: this index holds
-- only those, so it stays small however many messages were delivered.
CREATE INDEX messages_in_flight ON messages (date_created) WHERE status IN ('queued', 'sent');

-- +goose Down
DROP INDEX messages_in_flight;
