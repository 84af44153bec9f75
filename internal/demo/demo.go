// Package demo seeds a demo project with realistic history, so that a
// newcomer sees real pages at once: an owner, two subaccounts, phone
// numbers, cards, payments and 90 days of messages and calls. Everything
// goes through the services the API and the console use — the same
// validation, prices, ledger debits and usage records — with the
// messages and calls dated in the past.
package demo

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/shopspring/decimal"

	"console/internal/account"
	"console/internal/audit"
	"console/internal/auth"
	"console/internal/billing"
	"console/internal/database"
	"console/internal/messaging"
	"console/internal/numbers"
	"console/internal/onboard"
	"console/internal/trigger"
	"console/internal/usage"
	"console/internal/voice"
)

// Deps are the services the demo goes through.
type Deps struct {
	Pool     *pgxpool.Pool
	Users    *auth.Store
	Accounts *account.Store
	Billing  *billing.Service
	Numbers  *numbers.Service
	Messages *messaging.Sender
	Calls    *voice.Service
	// Triggers, when set, get the owner's monthly usage triggers and
	// their firings across the history.
	Triggers *trigger.Service
	// SubaccountLimit is the configured limit per project.
	SubaccountLimit int
}

// Options say who signs in to the demo and how much history it gets.
type Options struct {
	Email, Password string
	// Days of history, today included; 90 unless set.
	Days int
	// Now is the end of the history; time.Now() unless set.
	Now time.Time
}

// Demo project settings.
const (
	Currency = "JPY"
	TimeZone = "Asia/Tokyo"
	// DefaultDays of history.
	DefaultDays = 90
	// senders is how many messages and calls are in flight at once: the
	// ledger combines a project's concurrent debits into one transaction.
	senders = 32
)

// ErrEmailTaken is returned when the demo's user exists already (the demo
// ran before with this email); nothing is created then.
var ErrEmailTaken = auth.ErrEmailTaken

// AccountSummary is one account of the demo and what it did.
type AccountSummary struct {
	SID          string   `json:"sid"`
	FriendlyName string   `json:"friendly_name"`
	Numbers      []string `json:"numbers"`
	Messages     int      `json:"messages"`
	Calls        int      `json:"calls"`
}

// Summary is what the demo created.
type Summary struct {
	ProjectSID string           `json:"project_sid"`
	Email      string           `json:"email"`
	Password   string           `json:"password"`
	Accounts   []AccountSummary `json:"accounts"`
	Payments   int              `json:"payments"`
	Paid       billing.Money    `json:"-"`
	Balance    billing.Money    `json:"-"`
	// First and Last are the oldest and newest item of the history.
	First time.Time `json:"first"`
	Last  time.Time `json:"last"`
}

// profile is how much an account sends and calls, and what.
type profile struct {
	name string
	// per day, before the weekday, trend and noise factors
	smsWeekday, smsWeekend   float64
	callWeekday, callWeekend float64
	// share of messages and calls to US numbers (in English)
	usShare float64
	bodies  []string
	// saleDays multiply the day's messages (a campaign), as days before today
	saleDays map[int]float64
}

var profiles = []profile{
	{name: "さくらデモ", smsWeekday: 38, smsWeekend: 12, callWeekday: 9, callWeekend: 2, usShare: 0.15, bodies: noticeBodies},
	{name: "ECサイト", smsWeekday: 26, smsWeekend: 34, callWeekday: 3, callWeekend: 2, usShare: 0.1, bodies: shopBodies,
		saleDays: map[int]float64{61: 3.2, 60: 1.8, 19: 2.6}},
	{name: "サポートセンター", smsWeekday: 8, smsWeekend: 2, callWeekday: 14, callWeekend: 1.5, usShare: 0.08, bodies: supportBodies},
}

// Message bodies: Japanese for Japanese numbers, English for US ones.
// Placeholders: {n} an order or ticket number, {code} a one-time code,
// {time} a time of day.
var (
	noticeBodies = []string{
		"【さくらデモ】認証コードは {code} です。有効期限は10分です。",
		"【さくらデモ】ログインを確認しました。心当たりのない場合はサポートまでご連絡ください。",
		"【さくらデモ】明日 {time} からシステムメンテナンスを実施します。ご不便をおかけしますが、ご理解とご協力をお願いいたします。作業中は一部の機能がご利用いただけません。",
		"Your Sakura Demo verification code is {code}. It expires in 10 minutes.",
	}
	shopBodies = []string{
		"【ECサイト】ご注文（注文番号 {n}）を承りました。ご利用ありがとうございます。",
		"【ECサイト】ご注文の商品を発送しました。お届け予定は明日 {time} 頃です。",
		"【ECサイト】週末限定セール開催中！全品10%オフ。詳しくはアプリをご覧ください。",
		"【ECサイト】お届けが完了しました。またのご利用をお待ちしております。",
		"Your order #{n} has shipped and should arrive tomorrow around {time}.",
	}
	supportBodies = []string{
		"【サポートセンター】お問い合わせ（受付番号 {n}）を承りました。担当者より折り返しご連絡いたします。",
		"【サポートセンター】本日 {time} にお電話いたします。",
		"Support ticket #{n} has been resolved. Reply to this message if you need more help.",
	}
)

// Seed creates the demo project and its history. It refuses with
// ErrEmailTaken, before creating anything, when the email is taken.
//
// Everything is dated on the history's clock: the project, its
// subaccounts, cards, numbers and usage triggers the day before the first
// message; a payment then and one before each month, each sized to fund
// what follows it; each number's monthly charge on its anniversary; the
// messages and calls when they were sent; the triggers' firings on the
// days they crossed their value. The history is charged in that order,
// so the balance never runs dry and every ledger entry is dated with what
// it pays for.
func Seed(ctx context.Context, d Deps, o Options) (*Summary, error) {
	if o.Days <= 0 {
		o.Days = DefaultDays
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	loc := tokyo()
	local := o.Now.In(loc)
	first := time.Date(local.Year(), local.Month(), local.Day()-(o.Days-1), 0, 0, 0, 0, loc)
	clock := &clock{at: first.Add(-14 * time.Hour)} // 10:00 the day before
	created := clock.at

	res, err := onboard.CreateOwner(ctx, d.Pool, d.Users, d.Accounts, onboard.Owner{
		Email: o.Email, Password: o.Password, Name: "Demo Owner", Locale: "ja", ProjectName: profiles[0].name,
		Currency: Currency, TimeZone: TimeZone, TrialCredit: true, Via: "demo", At: created,
	})
	if err != nil {
		return nil, err
	}
	project := res.Project
	accounts := []*account.Account{project}
	for _, p := range profiles[1:] {
		at := clock.tick(3 * time.Minute)
		var sub *account.Account
		err := pgx.BeginFunc(ctx, d.Pool, func(tx pgx.Tx) error {
			var err error
			if sub, _, err = d.Accounts.CreateSubaccountAt(ctx, tx, project, p.name, d.SubaccountLimit, at); err != nil {
				return err
			}
			return systemAudit(ctx, tx, at, project.SID, sub.SID, "account.subaccount_created", sub.SID, map[string]string{"friendly_name": sub.FriendlyName})
		})
		if err != nil {
			return nil, fmt.Errorf("subaccount: %w", err)
		}
		accounts = append(accounts, sub)
	}

	rng := rand.New(rand.NewPCG(20260401, 90))
	plan := makePlan(rng, accounts, o.Now, o.Days)
	costs, err := plan.costs(ctx, d.Pool, Currency)
	if err != nil {
		return nil, err
	}

	card, err := addCards(ctx, d, project.SID, clock.tick(4*time.Minute), o.Now)
	if err != nil {
		return nil, err
	}
	sum := &Summary{ProjectSID: project.SID, Email: o.Email, Password: o.Password, Paid: billing.Zero(Currency)}
	f := &funding{d: d, card: card, project: project.SID, sum: sum, plan: plan, costs: costs, now: o.Now}

	// The first payment funds the numbers' first month and the history up
	// to the next payment, on the last day of this month: before the
	// numbers' first monthly charge, which is why it need not know them.
	numberPrices := decimal.Zero
	for _, kind := range []string{numbers.Mobile, numbers.Local} {
		price, _, err := usage.Price(ctx, d.Pool, numbers.Category(kind), "JP", Currency)
		if err != nil {
			return nil, fmt.Errorf("number price: %w", err)
		}
		numberPrices = numberPrices.Add(price.Mul(decimal.NewFromInt(int64(len(accounts)))))
	}
	f.payDays = paymentTimes(created, o.Now, loc)
	if err := f.pay(ctx, clock.tick(3*time.Minute), numberPrices); err != nil {
		return nil, err
	}

	// Each account gets a mobile number to text from and a local one to call from.
	sms, voiceFrom := map[string]string{}, map[string]string{}
	for _, acc := range accounts {
		as := AccountSummary{SID: acc.SID, FriendlyName: acc.FriendlyName}
		for _, want := range []struct {
			kind   string
			into   map[string]string
			prefer string
		}{{numbers.Mobile, sms, ""}, {numbers.Local, voiceFrom, "+8150"}} {
			n, err := buyNumber(ctx, d, acc, want.kind, want.prefer, clock.tick(time.Minute))
			if err != nil {
				return nil, fmt.Errorf("number for %s: %w", acc.FriendlyName, err)
			}
			want.into[acc.SID] = n.PhoneNumber
			as.Numbers = append(as.Numbers, n.PhoneNumber)
		}
		sum.Accounts = append(sum.Accounts, as)
	}
	if f.dues, err = dueCharges(ctx, d.Pool, project.SID, o.Now); err != nil {
		return nil, err
	}

	triggersAt := clock.tick(5 * time.Minute)
	if err := f.run(ctx, sms, voiceFrom); err != nil {
		return nil, err
	}
	if err := addTriggers(ctx, d, accounts, triggersAt, o.Now); err != nil {
		return nil, err
	}
	for i, acc := range accounts {
		sum.Accounts[i].Messages, sum.Accounts[i].Calls = plan.messages[acc.SID], plan.calls[acc.SID]
	}
	if len(plan.items) > 0 {
		sum.First, sum.Last = plan.items[0].at, plan.items[len(plan.items)-1].at
	}
	if sum.Balance, err = billing.Balance(ctx, d.Pool, project.SID); err != nil {
		return nil, err
	}
	return sum, nil
}

// tokyo is the demo's time zone.
func tokyo() *time.Location {
	loc, err := time.LoadLocation(TimeZone)
	if err != nil {
		loc = time.FixedZone("JST", 9*60*60)
	}
	return loc
}

// clock is the history's clock while the project is set up: each step a
// few minutes after the one before.
type clock struct{ at time.Time }

func (c *clock) tick(d time.Duration) time.Time {
	c.at = c.at.Add(d)
	return c.at
}

// paymentTimes are when the owner tops up after the first payment: at
// 18:00 on the last day of each month of the history, before the month
// it funds.
func paymentTimes(created, now time.Time, loc *time.Location) []time.Time {
	var out []time.Time
	c := created.In(loc)
	for m := time.Date(c.Year(), c.Month()+1, 1, 0, 0, 0, 0, loc); !m.After(now); m = m.AddDate(0, 1, 0) {
		if at := m.Add(-6 * time.Hour); at.After(created.Add(time.Hour)) && at.Before(now) {
			out = append(out, at)
		}
	}
	return out
}

// due is a recurring charge the history makes on its date.
type due struct {
	at     time.Time
	amount decimal.Decimal
}

// dueCharges are the project's recurring charges from their next date to now.
func dueCharges(ctx context.Context, db *pgxpool.Pool, projectSID string, now time.Time) ([]due, error) {
	items, err := billing.RecurringItems(ctx, db, projectSID)
	if err != nil {
		return nil, err
	}
	var out []due
	for _, it := range items {
		for at := it.NextChargeAt; !at.After(now); at = billing.NextAnniversary(it.Anniversary, at) {
			out = append(out, due{at: at, amount: it.Amount})
		}
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].at.Before(out[b].at) })
	return out, nil
}

// funding pays for the history as it is charged.
type funding struct {
	d       Deps
	card    *billing.Method
	project string
	sum     *Summary
	plan    *plan
	costs   []decimal.Decimal // the most each item of the plan can cost
	dues    []due
	payDays []time.Time // the top-ups after the first payment
	now     time.Time
}

// Payment amounts: the margin left after the most a period can cost, and
// the step amounts are rounded up to.
var (
	paymentMargin = decimal.NewFromInt(10000)
	paymentRound  = decimal.NewFromInt(10000)
)

// pay tops the balance up at at, by enough to cover extra and the most
// that the history can cost until the next payment, with a margin.
func (f *funding) pay(ctx context.Context, at time.Time, extra decimal.Decimal) error {
	next := f.now
	for _, p := range f.payDays {
		if p.After(at) {
			next = p
			break
		}
	}
	need := extra.Add(paymentMargin)
	for i, it := range f.plan.items {
		if !it.at.Before(at) && it.at.Before(next) {
			need = need.Add(f.costs[i])
		}
	}
	for _, c := range f.dues {
		if !c.at.Before(at) && c.at.Before(next) {
			need = need.Add(c.amount)
		}
	}
	bal, err := billing.Balance(ctx, f.d.Pool, f.project)
	if err != nil {
		return err
	}
	amount := need.Sub(bal.Amount).Div(paymentRound).Ceil().Mul(paymentRound)
	amount = decimal.Max(amount, paymentRound) // a monthly top-up all the same
	limit := billing.FundsLimits[Currency][1]
	for amount.IsPositive() {
		step := decimal.Min(amount, limit)
		p, err := f.d.Billing.AddFundsAt(ctx, f.card, step, Currency, fmt.Sprintf("demo:%d", f.sum.Payments), at)
		if err != nil {
			return fmt.Errorf("add funds: %w", err)
		}
		if p.Status != billing.PaymentSucceeded {
			return fmt.Errorf("add funds: payment %s %s", p.Status, p.FailureReason)
		}
		if err := systemAudit(ctx, f.d.Pool, at, f.project, f.project, "funds.added", p.ID,
			map[string]string{"amount": step.String(), "status": p.Status, "card": f.card.Label()}); err != nil {
			return err
		}
		f.sum.Payments++
		f.sum.Paid.Amount = f.sum.Paid.Amount.Add(step)
		amount = amount.Sub(step)
		at = at.Add(time.Minute)
	}
	return nil
}

// run charges the history in order: the messages and calls between two
// stops (a payment, a recurring charge) side by side, each stop once
// everything before it is charged.
func (f *funding) run(ctx context.Context, sms, voiceFrom map[string]string) error {
	type stop struct {
		at  time.Time
		pay bool
	}
	var stops []stop
	for _, p := range f.payDays {
		stops = append(stops, stop{at: p, pay: true})
	}
	for _, c := range f.dues {
		stops = append(stops, stop{at: c.at})
	}
	sort.SliceStable(stops, func(a, b int) bool { return stops[a].at.Before(stops[b].at) })
	items := f.plan.items
	for _, s := range stops {
		n := sort.Search(len(items), func(i int) bool { return !items[i].at.Before(s.at) })
		if err := f.plan.run(ctx, f.d, items[:n], sms, voiceFrom); err != nil {
			return err
		}
		items = items[n:]
		if s.pay {
			if err := f.pay(ctx, s.at, decimal.Zero); err != nil {
				return err
			}
		} else if err := f.d.Billing.ChargeProjectDueItems(ctx, f.project, s.at); err != nil {
			return fmt.Errorf("monthly charges: %w", err)
		}
	}
	return f.plan.run(ctx, f.d, items, sms, voiceFrom)
}

// systemAudit records a change the demo made at at, in its transaction.
func systemAudit(ctx context.Context, db database.DBTX, at time.Time, projectSID, accountSID, action, target string, details map[string]string) error {
	details["via"] = "demo"
	return audit.Record(ctx, db, audit.System(ctx), action, audit.On{Project: projectSID, Account: accountSID, Target: target, At: at}, details)
}

// addCards saves a primary and a backup card through the test gateway,
// dated at, and returns the primary.
func addCards(ctx context.Context, d Deps, projectSID string, at, now time.Time) (*billing.Method, error) {
	var primary *billing.Method
	for _, c := range []billing.Card{
		{Holder: "SAKURA TARO", Number: "4242424242424242", ExpMonth: 8, ExpYear: now.Year() + 3, CVC: "123"},
		{Holder: "SAKURA TARO", Number: "5555555555554444", ExpMonth: 3, ExpYear: now.Year() + 2, CVC: "456"},
	} {
		if err := c.Validate(now); err != nil {
			return nil, fmt.Errorf("demo card: %w", err)
		}
		tok, err := d.Billing.Gateway.Tokenize(ctx, c)
		if err != nil {
			return nil, err
		}
		err = pgx.BeginFunc(ctx, d.Pool, func(tx pgx.Tx) error {
			m, err := billing.AddMethodAt(ctx, tx, projectSID, c, tok, at)
			if err != nil {
				return err
			}
			if primary == nil {
				primary = m
			}
			return systemAudit(ctx, tx, at, projectSID, projectSID, "card.added", m.ID, map[string]string{"card": m.Label()})
		})
		if err != nil {
			return nil, fmt.Errorf("card: %w", err)
		}
		at = at.Add(time.Minute)
	}
	return primary, nil
}

// buyNumber buys the first free Japanese number of a type (starting with
// prefer when set) through the numbers service, dated at.
func buyNumber(ctx context.Context, d Deps, acc *account.Account, numberType, prefer string, at time.Time) (*numbers.Number, error) {
	for page := 0; page < 20; page++ {
		candidates := numbers.Candidates("JP", numberType, "", page, 20)
		owned, err := numbers.Owned(ctx, d.Pool, candidates)
		if err != nil {
			return nil, err
		}
		for _, phone := range candidates {
			if owned[phone] || prefer != "" && (len(phone) < len(prefer) || phone[:len(prefer)] != prefer) {
				continue
			}
			n, err := d.Numbers.Buy(ctx, audit.System(ctx), acc, numbers.BuyRequest{PhoneNumber: phone, At: at})
			if errors.Is(err, numbers.ErrNotAvailable) {
				continue // bought by someone meanwhile
			}
			return n, err
		}
	}
	return nil, numbers.ErrNotAvailable
}

// item is one message or call of the history.
type item struct {
	acc  *account.Account
	at   time.Time
	call bool
	to   string
	body string // messages
	// what a call does: a TwiML URL or inline TwiML
	url, twiml string
}

type plan struct {
	items    []item
	messages map[string]int // per account SID
	calls    map[string]int
}

// hourWeights shape a day in Tokyo: messages from morning to late
// evening, calls in office hours.
var (
	smsHours  = []float64{0.2, 0.1, 0.05, 0.05, 0.05, 0.1, 0.4, 1.2, 2.2, 3, 3, 2.6, 2.4, 2.4, 2.2, 2.2, 2.2, 2.4, 2.8, 3, 2.6, 1.8, 1, 0.5}
	callHours = []float64{0, 0, 0, 0, 0, 0, 0, 0, 0.3, 2.5, 3, 3, 1.5, 2.5, 3, 3, 2.8, 2.2, 0.8, 0.2, 0, 0, 0, 0}
)

// makePlan draws the history: per account and day, counts shaped by the
// weekday, a growth trend, noise and campaign days; times by the hour
// weights; destinations and bodies at random. Items later than now are
// left out, so today's history stops at the present.
func makePlan(rng *rand.Rand, accounts []*account.Account, now time.Time, days int) *plan {
	loc := tokyo()
	local := now.In(loc)
	today := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, loc)
	p := &plan{messages: map[string]int{}, calls: map[string]int{}}
	for i, acc := range accounts {
		prof := profiles[i]
		for back := days - 1; back >= 0; back-- {
			day := today.AddDate(0, 0, -back)
			weekend := day.Weekday() == time.Saturday || day.Weekday() == time.Sunday
			trend := 0.75 + 0.5*float64(days-1-back)/float64(max(days-1, 1))
			sms, calls := prof.smsWeekday, prof.callWeekday
			if weekend {
				sms, calls = prof.smsWeekend, prof.callWeekend
			}
			sms *= trend * (0.7 + 0.6*rng.Float64())
			if f, ok := prof.saleDays[back]; ok {
				sms *= f
			}
			calls *= trend * (0.6 + 0.8*rng.Float64())
			for range int(sms + rng.Float64()) {
				at := pickTime(rng, day, smsHours)
				if !at.Before(now) {
					continue
				}
				us := rng.Float64() < prof.usShare
				p.items = append(p.items, item{acc: acc, at: at, to: destination(rng, us), body: body(rng, prof.bodies, us)})
				p.messages[acc.SID]++
			}
			for range int(calls + rng.Float64()) {
				at := pickTime(rng, day, callHours)
				if !at.Before(now) {
					continue
				}
				it := item{acc: acc, at: at, call: true, to: destination(rng, rng.Float64() < prof.usShare/2)}
				if rng.IntN(3) == 0 {
					it.twiml = `<Response><Say language="ja-JP">お電話ありがとうございます。担当者におつなぎします。</Say><Dial>+81312345678</Dial></Response>`
				} else {
					it.url = "https://demo.example.jp/voice/ivr"
				}
				p.items = append(p.items, it)
				p.calls[acc.SID]++
			}
		}
	}
	sort.SliceStable(p.items, func(a, b int) bool { return p.items[a].at.Before(p.items[b].at) })
	return p
}

func pickTime(rng *rand.Rand, day time.Time, weights []float64) time.Time {
	var total float64
	for _, w := range weights {
		total += w
	}
	r := rng.Float64() * total
	hour := 0
	for h, w := range weights {
		if r < w {
			hour = h
			break
		}
		r -= w
	}
	return day.Add(time.Duration(hour)*time.Hour + time.Duration(rng.IntN(3600))*time.Second).UTC()
}

// destination is a Japanese mobile or a US number.
func destination(rng *rand.Rand, us bool) string {
	if us {
		return fmt.Sprintf("+1%s%07d", []string{"415", "212", "646", "312"}[rng.IntN(4)], rng.IntN(10000000))
	}
	return fmt.Sprintf("+81%s%08d", []string{"90", "80", "70"}[rng.IntN(3)], rng.IntN(100000000))
}

// body fills a template: English ones (Latin script) go to US numbers.
func body(rng *rand.Rand, templates []string, us bool) string {
	var pick []string
	for _, t := range templates {
		if english(t) == us {
			pick = append(pick, t)
		}
	}
	if len(pick) == 0 {
		pick = templates
	}
	t := pick[rng.IntN(len(pick))]
	return strings.NewReplacer("{n}", strconv.Itoa(100000+rng.IntN(900000)), "{code}", fmt.Sprintf("%06d", rng.IntN(1000000)),
		"{time}", fmt.Sprintf("%d:%02d", 9+rng.IntN(10), 15*rng.IntN(4))).Replace(t)
}

func english(s string) bool {
	for _, r := range s {
		if r > 0x7f {
			return false
		}
	}
	return true
}

// costs are the most each item of the plan can cost: a message exactly,
// a call at its longest simulated duration (a call's duration comes from
// its SID, known only when it is placed).
func (p *plan) costs(ctx context.Context, db *pgxpool.Pool, currency string) ([]decimal.Decimal, error) {
	prices := map[string]decimal.Decimal{}
	price := func(category, to string) (decimal.Decimal, error) {
		key := category + "/" + messaging.Country(to)
		if v, ok := prices[key]; ok {
			return v, nil
		}
		v, _, err := usage.Price(ctx, db, category, messaging.Country(to), currency)
		prices[key] = v
		return v, err
	}
	out := make([]decimal.Decimal, len(p.items))
	longest := decimal.NewFromInt(int64(voice.Minutes(voice.MaxSimulatedDuration)))
	for i, it := range p.items {
		if it.call {
			v, err := price(usage.CallsOutbound, it.to)
			if err != nil {
				return nil, err
			}
			out[i] = v.Mul(longest)
			continue
		}
		v, err := price(usage.SMSOutbound, it.to)
		if err != nil {
			return nil, err
		}
		out[i] = v.Mul(decimal.NewFromInt(int64(messaging.Count(it.body).Count)))
	}
	return out, nil
}

// run sends and places items through the services, several at once,
// and stops at the first error.
func (p *plan) run(ctx context.Context, d Deps, items []item, sms, voiceFrom map[string]string) error {
	if len(items) == 0 {
		return nil
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	work := make(chan item)
	var wg sync.WaitGroup
	for range senders {
		wg.Go(func() {
			for it := range work {
				var err error
				if it.call {
					_, err = d.Calls.Place(ctx, it.acc, voice.CallRequest{To: it.to, From: voiceFrom[it.acc.SID], URL: it.url, Twiml: it.twiml, At: it.at})
				} else {
					_, err = d.Messages.Send(ctx, it.acc, messaging.SendRequest{To: it.to, From: sms[it.acc.SID], Body: it.body, At: it.at})
				}
				if err != nil {
					cancel(fmt.Errorf("%s at %s: %w", it.to, it.at.Format(time.RFC3339), err))
				}
			}
		})
	}
	for _, it := range items {
		if ctx.Err() != nil {
			break
		}
		work <- it
	}
	close(work)
	wg.Wait()
	return context.Cause(ctx)
}
