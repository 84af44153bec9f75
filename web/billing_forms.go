package web

import (
	"time"

	"console/internal/billing"
	"console/internal/messaging"
	"console/internal/numbers"
	"console/internal/voice"
)

// BillingData is Billing › Overview.
type BillingData struct {
	Balance   string
	Suspended bool
	Methods   []*billing.Method
	AddFunds  AddFundsForm
	Recharge  RechargeForm
	Alerts    []AlertRow
	AlertForm AlertForm
	Currency  string
	MinFunds  string
	MaxFunds  string
	// LastPayment is the outcome of the Add Funds just made, if any.
	LastPayment *billing.Payment
}

// AlertRow is a low-balance alert: its threshold as the form sends it
// back, and as people read it.
type AlertRow struct {
	Threshold, Label string
}

// AddFundsForm charges a card. Key makes a double submit charge once.
type AddFundsForm struct {
	Amount, MethodID, Key string
	Errors                FieldErrors
}

// RechargeForm is the auto-recharge setting.
type RechargeForm struct {
	Enabled                bool
	Threshold, Target, Cap string
	Paused                 bool
	ConsecutiveDeclines    int
	Errors                 FieldErrors
}

// AlertForm adds a low-balance alert.
type AlertForm struct {
	Threshold string
	Errors    FieldErrors
}

// MethodsData is Billing › Payment methods.
type MethodsData struct {
	Methods []*billing.Method
	Card    CardForm
}

// CardForm adds a card. The number and CVC are never echoed back.
type CardForm struct {
	Holder, ExpMonth, ExpYear string
	Errors                    FieldErrors
}

// HistoryData is Billing › Payment history for one month.
type HistoryData struct {
	Month    time.Time
	Prev     string // "2006-01" or ""
	Next     string
	Payments []*billing.Payment
}

// ReceiptData is a printable receipt.
type ReceiptData struct {
	Payment     *billing.Payment
	Prefs       billing.Preferences
	ProjectName string
	Issuer      billing.Issuer
}

// PreferencesForm is Billing › Preferences.
type PreferencesForm struct {
	billing.Preferences
	Errors FieldErrors
}

// RecurringData is Billing › Recurring items.
type RecurringData struct {
	Items    []*billing.RecurringItem
	Currency string
	// Numbers are the phone numbers the items charge for, by item ID.
	Numbers map[string]*numbers.Number
	// AccountSID is the account being viewed: its numbers are linked.
	AccountSID string
}

// numberName is what a number is called: its friendly name, else itself.
func numberName(n *numbers.Number) string {
	if n.FriendlyName != "" {
		return n.FriendlyName
	}
	return n.PhoneNumber
}

// MonthTotal is what the items charge in a month, together.
func (d RecurringData) MonthTotal() billing.Money {
	total := billing.Zero(d.Currency)
	for _, it := range d.Items {
		total.Amount = total.Amount.Add(it.Amount)
	}
	return total
}

// Catalog keys of payment states, spelled out so the catalog test sees them.
var (
	paymentStatusKeys = map[string]string{
		billing.PaymentPending: "payment.status_pending", billing.PaymentSucceeded: "payment.status_succeeded", billing.PaymentFailed: "payment.status_failed",
	}
	declineKeys = map[string]string{
		billing.DeclineGeneric: "payment.decline_card_declined", billing.DeclineInsufficient: "payment.decline_insufficient_funds",
		billing.DeclineExpired: "payment.decline_expired_card", "card_removed": "payment.decline_card_removed",
	}
	paymentKindKeys = map[string]string{billing.PaymentManual: "payment.kind_manual", billing.PaymentAuto: "payment.kind_auto"}
	// The API's status words, which the English console keeps as they are.
	messageStatusKeys = map[string]string{
		messaging.StatusQueued: "sms.status_queued", messaging.StatusSent: "sms.status_sent",
		messaging.StatusDelivered: "sms.status_delivered", messaging.StatusFailed: "sms.status_failed",
	}
	callStatusKeys = map[string]string{
		voice.StatusQueued: "voice.status_queued", voice.StatusRinging: "voice.status_ringing", voice.StatusInProgress: "voice.status_in_progress",
		voice.StatusCompleted: "voice.status_completed", voice.StatusBusy: "voice.status_busy", voice.StatusNoAnswer: "voice.status_no_answer",
		voice.StatusFailed: "voice.status_failed", voice.StatusCanceled: "voice.status_canceled",
	}
)

// messagePrice is what a message cost, in its account's currency.
func messagePrice(m *messaging.Message) string {
	return billing.Money{Amount: m.Price, Currency: m.PriceUnit}.Format()
}

// callPrice is what a call cost, in its account's currency; a dash until
// it is charged, and for a call that never connected.
func callPrice(c *voice.Call) string {
	if !c.Charged() {
		return "—"
	}
	return billing.Money{Amount: c.Price, Currency: c.PriceUnit}.Format()
}
