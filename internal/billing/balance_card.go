package billing

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"
)

// BalanceCard is what the dashboard shows beside the balance: whether
// auto-recharge is on (or paused after declines) and the low-balance
// alerts the balance is measured against.
type BalanceCard struct {
	AutoRecharge AutoRecharge
	// Alerts are the low-balance alert thresholds, highest first.
	Alerts []decimal.Decimal
}

// Recharging reports whether auto-recharge is on and not paused.
func (c BalanceCard) Recharging() bool {
	return c.AutoRecharge.Enabled && c.AutoRecharge.PausedAt == nil
}

// Low reports whether balance is low, and under what: the lowest of the
// alert thresholds (and the auto-recharge threshold, when it is on) that
// balance is below. A balance at or under zero is always low, under zero
// when no threshold is above it.
func (c BalanceCard) Low(balance decimal.Decimal) (under decimal.Decimal, low bool) {
	limits := c.Alerts
	if c.AutoRecharge.Enabled {
		limits = append(limits[:len(limits):len(limits)], c.AutoRecharge.Threshold)
	}
	for _, th := range limits {
		if balance.LessThan(th) && (!low || th.LessThan(under)) {
			under, low = th, true
		}
	}
	if !low && balance.Sign() <= 0 {
		return decimal.Zero, true
	}
	return under, low
}

// QueueBalanceCard adds to a batch the reads of project projectSID's
// balance card, into dst: the dashboard reads it in the viewer's round
// trip.
func QueueBalanceCard(b *pgx.Batch, projectSID string, dst *BalanceCard) {
	queueAutoRecharge(b, projectSID, &dst.AutoRecharge)
	b.Queue(alertsSQL, projectSID).Query(func(rows pgx.Rows) error {
		var err error
		dst.Alerts, err = pgx.CollectRows(rows, pgx.RowTo[decimal.Decimal])
		return err
	})
}

// BalanceCard reads project projectSID's balance card.
func (s *Service) BalanceCard(ctx context.Context, projectSID string) (BalanceCard, error) {
	var c BalanceCard
	b := &pgx.Batch{}
	QueueBalanceCard(b, projectSID, &c)
	return c, s.Pool.SendBatch(ctx, b).Close()
}
