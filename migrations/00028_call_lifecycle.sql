-- +goose Up

-- A call placed now lives through Twilio's statuses, moved on by the
-- simulated network (voice.Service.Advance): it is charged only when it
-- completes, so its price and duration are known then.
ALTER TABLE calls DROP CONSTRAINT calls_status_check;
ALTER TABLE calls ADD CONSTRAINT calls_status_check
    CHECK (status IN ('queued', 'ringing', 'in-progress', 'completed', 'busy', 'no-answer', 'failed', 'canceled'));
ALTER TABLE calls
    -- What the simulated callee will do, decided when the call is placed.
    ADD COLUMN outcome      text NOT NULL DEFAULT 'answered' CHECK (outcome IN ('answered', 'busy', 'no-answer', 'failed')),
    -- How long the callee talks once answered, in seconds.
    ADD COLUMN talk_seconds integer NOT NULL DEFAULT 0,
    -- The price of a started minute, fixed when the call is placed.
    ADD COLUMN rate         numeric NOT NULL DEFAULT 0,
    -- When the network moves the call on; NULL once it has ended.
    ADD COLUMN next_at      timestamptz,
    ADD COLUMN status_callback        text NOT NULL DEFAULT '',
    ADD COLUMN status_callback_method text NOT NULL DEFAULT 'POST',
    ADD COLUMN status_callback_events text[] NOT NULL DEFAULT '{}',
    -- How many status callbacks were queued: their SequenceNumber.
    ADD COLUMN callback_seq integer NOT NULL DEFAULT 0;
CREATE INDEX calls_due ON calls (next_at) WHERE next_at IS NOT NULL;

-- +goose Down
DROP INDEX calls_due;
ALTER TABLE calls DROP COLUMN outcome, DROP COLUMN talk_seconds, DROP COLUMN rate, DROP COLUMN next_at,
    DROP COLUMN status_callback, DROP COLUMN status_callback_method, DROP COLUMN status_callback_events, DROP COLUMN callback_seq;
UPDATE calls SET status = 'completed' WHERE status <> 'queued';
ALTER TABLE calls DROP CONSTRAINT calls_status_check;
ALTER TABLE calls ADD CONSTRAINT calls_status_check CHECK (status IN ('queued', 'completed'));
