package account

import (
	"context"

	"console/internal/audit"
)

// RecordProjectSwitch writes the entry of a user who made project
// projectSID their current one.
func (s *Service) RecordProjectSwitch(ctx context.Context, by audit.Actor, projectSID string) error {
	return audit.Record(ctx, s.pool, by, audit.UserProjectSwitched, audit.On{Project: projectSID, Target: projectSID}, nil)
}

// RecordSubaccountView writes the entry of a user who switched the
// console into subaccount sub.
func (s *Service) RecordSubaccountView(ctx context.Context, by audit.Actor, sub *Account) error {
	return audit.Record(ctx, s.pool, by, audit.UserSubaccountViewed, audit.On{Project: sub.ProjectSID, Account: sub.SID, Target: sub.SID}, nil)
}
