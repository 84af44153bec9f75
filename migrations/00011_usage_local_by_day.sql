-- +goose Up

-- The dashboard and Usage › Subaccounts read a whole project's days of one
-- month; the primary key starts with the account, so without this they
-- would read every day the project ever had.
CREATE INDEX usage_local_daily_project_day ON usage_local_daily (project_sid, day);

-- +goose Down
DROP INDEX usage_local_daily_project_day;
