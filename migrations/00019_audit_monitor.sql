-- +goose Up
-- Who acted, more precisely: the client's user agent, the request's id (as
-- the request's log line has it) and, for the API, the credential that
-- authenticated. Empty on entries made before.
ALTER TABLE audit_log
    ADD COLUMN user_agent     text NOT NULL DEFAULT '',
    ADD COLUMN request_id     text NOT NULL DEFAULT '',
    ADD COLUMN credential_sid text NOT NULL DEFAULT '';

-- Monitor › Events reads one project's entries newest first, by (at, id),
-- a page at a time from a cursor, narrowed by at most a few filters. Each
-- filter has an index that yields its entries in that order, so a page
-- reads about as many index entries as it shows, at any depth and
-- however rare the filter's entries are; a date range is a range of the
-- same indexes. A member's entries come from audit_log_actor
-- (actor_user_id, at), there already. (project_sid, at, id) supersedes
-- (project_sid, at).
CREATE INDEX audit_log_project_at ON audit_log (project_sid, at, id);
DROP INDEX audit_log_project;
CREATE INDEX audit_log_project_account ON audit_log (project_sid, account_sid, at, id);
CREATE INDEX audit_log_project_action ON audit_log (project_sid, action, at, id);
CREATE INDEX audit_log_project_actor ON audit_log (project_sid, actor, at, id);

-- The retention purge deletes the oldest entries of every project.
CREATE INDEX audit_log_at ON audit_log (at);

-- +goose Down
DROP INDEX audit_log_at, audit_log_project_actor, audit_log_project_action, audit_log_project_account;
CREATE INDEX audit_log_project ON audit_log (project_sid, at);
DROP INDEX audit_log_project_at;
ALTER TABLE audit_log DROP COLUMN user_agent, DROP COLUMN request_id, DROP COLUMN credential_sid;
