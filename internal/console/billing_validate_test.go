package console

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"console/internal/billing"
	"console/internal/i18n"
	"console/web"
)

// The billing inputs' Validate and the console's reading of their
// reasons, one table per input type: each case names every problem the
// domain finds (field and reason) and the form fields and messages the
// console shows for them. None of these inputs is taken by the API
// (Balance.json is read-only), so there is no Twilio code to map.

type billingCase struct {
	name string
	err  error
	// want is every problem, in the form's order; nil when valid.
	want billing.FieldErrors
	// form is what the console shows: form field → catalog key.
	form web.FieldErrors
}

func checkBillingCases(t *testing.T, cases []billingCase) {
	t.Helper()
	for _, c := range cases {
		if c.want == nil {
			require.NoError(t, c.err, c.name)
			continue
		}
		var got billing.FieldErrors
		require.ErrorAs(t, c.err, &got, c.name)
		require.Equal(t, c.want, got, c.name)
		form, ok := billingFieldErrs(c.err)
		require.True(t, ok, c.name)
		require.Equal(t, c.form, form, c.name)
		for _, key := range form {
			for _, loc := range i18n.Locales {
				require.True(t, i18n.Has(loc, key), "%s: %s has no %s message", c.name, key, loc)
			}
		}
	}
}

const key32 = "0123456789abcdef0123456789abcdef"

func TestAddFundsInputValidate(t *testing.T) {
	t.Parallel()
	usd := func(amount, method, key string) error {
		return billing.AddFundsInput{Amount: amount, MethodID: method, Key: key}.Validate("USD")
	}
	jpy := func(amount string) error {
		return billing.AddFundsInput{Amount: amount, MethodID: "PM1", Key: key32}.Validate("JPY")
	}
	amount := func(reason, key string) (billing.FieldErrors, web.FieldErrors) {
		return billing.FieldErrors{{Field: billing.FieldAmount, Reason: reason}}, web.FieldErrors{"amount": key}
	}
	var cases []billingCase
	for _, c := range []struct {
		name        string
		err         error
		reason, key string
		valid       bool
	}{
		{"USD minimum", usd("10", "PM1", key32), "", "", true},
		{"USD grouped, with its sign", usd("$1,000.50", "PM1", key32), "", "", true},
		{"USD maximum", usd("10000", "PM1", key32), "", "", true},
		{"JPY grouped", jpy("1,000"), "", "", true},
		{"decimal comma", usd("10,50", "PM1", key32), billing.ReasonGrouping, "billing.amount_grouping", false},
		{"three decimals", usd("10.505", "PM1", key32), billing.ReasonPrecision, "billing.amount_precision", false},
		{"yen decimals", jpy("1000.5"), billing.ReasonPrecision, "billing.amount_precision", false},
		{"zero", usd("0", "PM1", key32), billing.ReasonNotPositive, "billing.amount_positive", false},
		{"under the minimum", usd("9.99", "PM1", key32), billing.ReasonOutOfRange, "billing.amount_out_of_range", false},
		{"yen under the minimum", jpy("999"), billing.ReasonOutOfRange, "billing.amount_out_of_range", false},
		{"over the maximum", usd("10000.01", "PM1", key32), billing.ReasonOutOfRange, "billing.amount_out_of_range", false},
		{"too many digits", usd(strings.Repeat("9", 16), "PM1", key32), billing.ReasonOutOfRange, "billing.amount_out_of_range", false},
		{"empty", usd("", "PM1", key32), billing.ReasonInvalid, "billing.amount_invalid", false},
		{"negative", usd("-5", "PM1", key32), billing.ReasonInvalid, "billing.amount_invalid", false},
		{"exponent", usd("1e3", "PM1", key32), billing.ReasonInvalid, "billing.amount_invalid", false},
	} {
		bc := billingCase{name: c.name, err: c.err}
		if !c.valid {
			bc.want, bc.form = amount(c.reason, c.key)
		}
		cases = append(cases, bc)
	}
	cases = append(cases,
		billingCase{"a forged key", usd("20", "PM1", "short"),
			billing.FieldErrors{{Field: billing.FieldKey, Reason: billing.ReasonInvalid}}, web.FieldErrors{"amount": "error.bad_request"}},
		billingCase{"no card", usd("20", "", key32),
			billing.FieldErrors{{Field: billing.FieldMethod, Reason: billing.ReasonRequired}}, web.FieldErrors{"method": "billing.card_required"}},
		// Every problem at once; the amount's own message wins its field.
		billingCase{"everything wrong", usd("abc", "", ""),
			billing.FieldErrors{{Field: billing.FieldAmount, Reason: billing.ReasonInvalid}, {Field: billing.FieldKey, Reason: billing.ReasonInvalid},
				{Field: billing.FieldMethod, Reason: billing.ReasonRequired}},
			web.FieldErrors{"amount": "billing.amount_invalid", "method": "billing.card_required"}},
	)
	checkBillingCases(t, cases)
}

func TestAutoRechargeInputValidate(t *testing.T) {
	t.Parallel()
	jpy := func(threshold, target, cp string) error {
		return billing.AutoRechargeInput{Enabled: true, Threshold: threshold, Target: target, Cap: cp}.Validate("JPY")
	}
	checkBillingCases(t, []billingCase{
		{"valid", jpy("3000", "5000", ""), nil, nil},
		{"valid with a cap", jpy("３０００", "10,000", "¥50,000"), nil, nil},
		{"a blank cap is none", jpy("3000", "5000", "  "), nil, nil},
		{"off, still read", billing.AutoRechargeInput{Threshold: "3000", Target: "5000"}.Validate("JPY"), nil, nil},
		{"off with bad amounts", billing.AutoRechargeInput{Threshold: "", Target: "x"}.Validate("JPY"),
			billing.FieldErrors{{Field: billing.FieldThreshold, Reason: billing.ReasonInvalid}, {Field: billing.FieldTarget, Reason: billing.ReasonInvalid}},
			web.FieldErrors{"threshold": "billing.amount_invalid", "target": "billing.amount_invalid"}},
		{"target below threshold", jpy("3000", "2000", ""),
			billing.FieldErrors{{Field: billing.FieldTarget, Reason: billing.ReasonNotAboveThreshold}}, web.FieldErrors{"target": "billing.target_above_threshold"}},
		{"target equal to threshold", jpy("3000", "3000", ""),
			billing.FieldErrors{{Field: billing.FieldTarget, Reason: billing.ReasonNotAboveThreshold}}, web.FieldErrors{"target": "billing.target_above_threshold"}},
		{"recharge under the Add Funds minimum", jpy("3000", "3500", ""),
			billing.FieldErrors{{Field: billing.FieldTarget, Reason: billing.ReasonRechargeRange}}, web.FieldErrors{"target": "billing.recharge_range"}},
		{"target over the Add Funds maximum", jpy("3000", "2000000", ""),
			billing.FieldErrors{{Field: billing.FieldTarget, Reason: billing.ReasonRechargeRange}}, web.FieldErrors{"target": "billing.recharge_range"}},
		{"bad threshold: no comparison", jpy("abc", "5000", ""),
			billing.FieldErrors{{Field: billing.FieldThreshold, Reason: billing.ReasonInvalid}}, web.FieldErrors{"threshold": "billing.amount_invalid"}},
		{"decimal comma", jpy("20,00", "5000", ""),
			billing.FieldErrors{{Field: billing.FieldThreshold, Reason: billing.ReasonGrouping}}, web.FieldErrors{"threshold": "billing.amount_grouping"}},
		{"yen decimals", jpy("3000", "5000.5", ""),
			billing.FieldErrors{{Field: billing.FieldTarget, Reason: billing.ReasonPrecision}}, web.FieldErrors{"target": "billing.amount_precision"}},
		{"zero target", jpy("3000", "0", ""),
			billing.FieldErrors{{Field: billing.FieldTarget, Reason: billing.ReasonNotPositive}}, web.FieldErrors{"target": "billing.amount_positive"}},
		{"huge target", jpy("3000", strings.Repeat("9", 16), ""),
			billing.FieldErrors{{Field: billing.FieldTarget, Reason: billing.ReasonOutOfRange}}, web.FieldErrors{"target": "billing.amount_out_of_range"}},
		{"bad cap", jpy("3000", "5000", "5,00"),
			billing.FieldErrors{{Field: billing.FieldCap, Reason: billing.ReasonGrouping}}, web.FieldErrors{"cap": "billing.amount_grouping"}},
		{"zero cap", jpy("3000", "5000", "0"),
			billing.FieldErrors{{Field: billing.FieldCap, Reason: billing.ReasonNotPositive}}, web.FieldErrors{"cap": "billing.amount_positive"}},
		{"cap not a number", jpy("3000", "5000", "none"),
			billing.FieldErrors{{Field: billing.FieldCap, Reason: billing.ReasonInvalid}}, web.FieldErrors{"cap": "billing.amount_invalid"}},
		{"cap too large", jpy("3000", "5000", strings.Repeat("9", 16)),
			billing.FieldErrors{{Field: billing.FieldCap, Reason: billing.ReasonOutOfRange}}, web.FieldErrors{"cap": "billing.amount_out_of_range"}},
		{"cap with decimals", jpy("3000", "5000", "1.5"),
			billing.FieldErrors{{Field: billing.FieldCap, Reason: billing.ReasonPrecision}}, web.FieldErrors{"cap": "billing.amount_precision"}},
		{"every field", jpy("0", "x", "y"),
			billing.FieldErrors{{Field: billing.FieldThreshold, Reason: billing.ReasonNotPositive}, {Field: billing.FieldTarget, Reason: billing.ReasonInvalid},
				{Field: billing.FieldCap, Reason: billing.ReasonInvalid}},
			web.FieldErrors{"threshold": "billing.amount_positive", "target": "billing.amount_invalid", "cap": "billing.amount_invalid"}},
	})
}

func TestAlertInputValidate(t *testing.T) {
	t.Parallel()
	alert := func(threshold, currency string) error {
		return billing.AlertInput{Threshold: threshold}.Validate(currency)
	}
	th := func(reason, key string) (billing.FieldErrors, web.FieldErrors) {
		return billing.FieldErrors{{Field: billing.FieldThreshold, Reason: reason}}, web.FieldErrors{"threshold": key}
	}
	cases := []billingCase{
		{"dollars and cents", alert("1,500.50", "USD"), nil, nil},
		{"full-width yen", alert("￥５００", "JPY"), nil, nil},
	}
	for _, c := range []struct{ name, threshold, currency, reason, key string }{
		{"decimal comma", "1,00", "USD", billing.ReasonGrouping, "billing.amount_grouping"},
		{"yen decimals", "1.5", "JPY", billing.ReasonPrecision, "billing.amount_precision"},
		{"zero", "0", "USD", billing.ReasonNotPositive, "billing.amount_positive"},
		{"too many digits", strings.Repeat("1", 16), "USD", billing.ReasonOutOfRange, "billing.amount_out_of_range"},
		{"empty", " ", "USD", billing.ReasonInvalid, "billing.amount_invalid"},
		{"another currency's sign", "¥500", "USD", billing.ReasonInvalid, "billing.amount_invalid"},
	} {
		bc := billingCase{name: c.name, err: alert(c.threshold, c.currency)}
		bc.want, bc.form = th(c.reason, c.key)
		cases = append(cases, bc)
	}
	checkBillingCases(t, cases)
}

func TestCardValidate(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	card := func(edit func(c *billing.Card)) error {
		c := billing.Card{Holder: "Taro", Number: "4242 4242 4242 4242", ExpMonth: 11, ExpYear: 2026, CVC: "123"}
		edit(&c)
		return c.Validate(now)
	}
	one := func(field, reason, key string) (billing.FieldErrors, web.FieldErrors) {
		return billing.FieldErrors{{Field: field, Reason: reason}}, web.FieldErrors{field: key}
	}
	cases := []billingCase{
		{"valid to the end of its month", card(func(*billing.Card) {}), nil, nil},
		{"dashes and a 4-digit CVC", card(func(c *billing.Card) { c.Number, c.CVC = "3782-822463-10005", "1234" }), nil, nil},
	}
	for _, c := range []struct {
		name, field, reason, key string
		edit                     func(c *billing.Card)
	}{
		{"no holder", billing.FieldHolder, billing.ReasonRequired, "error.required", func(c *billing.Card) { c.Holder = "  " }},
		{"Luhn fails", billing.FieldNumber, billing.ReasonInvalid, "billing.card_number_invalid", func(c *billing.Card) { c.Number = "4242 4242 4242 4241" }},
		{"letters in the number", billing.FieldNumber, billing.ReasonInvalid, "billing.card_number_invalid", func(c *billing.Card) { c.Number = "4242x4242424242424" }},
		{"too short", billing.FieldNumber, billing.ReasonInvalid, "billing.card_number_invalid", func(c *billing.Card) { c.Number = "42" }},
		{"month 13", billing.FieldExpiry, billing.ReasonInvalid, "billing.card_expiry_invalid", func(c *billing.Card) { c.ExpMonth = 13 }},
		{"no year", billing.FieldExpiry, billing.ReasonInvalid, "billing.card_expiry_invalid", func(c *billing.Card) { c.ExpYear = 0 }},
		{"last month", billing.FieldExpiry, billing.ReasonExpired, "billing.card_expired", func(c *billing.Card) { c.ExpMonth = 10 }},
		{"short CVC", billing.FieldCVC, billing.ReasonInvalid, "billing.card_cvc_invalid", func(c *billing.Card) { c.CVC = "12" }},
		{"CVC with a letter", billing.FieldCVC, billing.ReasonInvalid, "billing.card_cvc_invalid", func(c *billing.Card) { c.CVC = "12a" }},
		{"CVC with spaces inside", billing.FieldCVC, billing.ReasonInvalid, "billing.card_cvc_invalid", func(c *billing.Card) { c.CVC = "1 23" }},
	} {
		bc := billingCase{name: c.name, err: card(c.edit)}
		bc.want, bc.form = one(c.field, c.reason, c.key)
		cases = append(cases, bc)
	}
	cases = append(cases, billingCase{"every field",
		card(func(c *billing.Card) { *c = billing.Card{Number: "1", ExpMonth: 1, ExpYear: 2020, CVC: "1"} }),
		billing.FieldErrors{{Field: billing.FieldHolder, Reason: billing.ReasonRequired}, {Field: billing.FieldNumber, Reason: billing.ReasonInvalid},
			{Field: billing.FieldExpiry, Reason: billing.ReasonExpired}, {Field: billing.FieldCVC, Reason: billing.ReasonInvalid}},
		web.FieldErrors{"holder": "error.required", "number": "billing.card_number_invalid", "expiry": "billing.card_expired", "cvc": "billing.card_cvc_invalid"}})
	checkBillingCases(t, cases)
}

func TestPreferencesValidate(t *testing.T) {
	t.Parallel()
	one := func(field, reason, key string) (billing.FieldErrors, web.FieldErrors) {
		return billing.FieldErrors{{Field: field, Reason: reason}}, web.FieldErrors{field: key}
	}
	cases := []billingCase{
		{"empty", billing.Preferences{}.Validate(), nil, nil},
		{"filled, trimmed, any case", billing.Preferences{CompanyName: " 株式会社テスト ", Address: "東京都", RegistrationNumber: " t1234567890123 ",
			ReceiptEmail: " keiri@example.jp "}.Validate(), nil, nil},
		{"at the limits", billing.Preferences{CompanyName: strings.Repeat("社", billing.MaxCompanyName),
			Address: strings.Repeat("所", billing.MaxAddress)}.Validate(), nil, nil},
	}
	for _, c := range []struct {
		name, field, reason, key string
		p                        billing.Preferences
	}{
		{"long company name", billing.FieldCompanyName, billing.ReasonTooLong, "error.too_long",
			billing.Preferences{CompanyName: strings.Repeat("社", billing.MaxCompanyName+1)}},
		{"long address", billing.FieldAddress, billing.ReasonTooLong, "error.too_long",
			billing.Preferences{Address: strings.Repeat("a", billing.MaxAddress+1)}},
		{"short registration number", billing.FieldRegistrationNumber, billing.ReasonInvalid, "billing.registration_invalid",
			billing.Preferences{RegistrationNumber: "T123"}},
		{"registration number without T", billing.FieldRegistrationNumber, billing.ReasonInvalid, "billing.registration_invalid",
			billing.Preferences{RegistrationNumber: "X1234567890123"}},
		{"registration number with a letter", billing.FieldRegistrationNumber, billing.ReasonInvalid, "billing.registration_invalid",
			billing.Preferences{RegistrationNumber: "T12345678901a3"}},
		{"not an email", billing.FieldReceiptEmail, billing.ReasonInvalid, "error.email",
			billing.Preferences{ReceiptEmail: "nope"}},
		{"an email with a name", billing.FieldReceiptEmail, billing.ReasonInvalid, "error.email",
			billing.Preferences{ReceiptEmail: "Keiri <keiri@example.jp>"}},
		{"an email without a dot in its domain", billing.FieldReceiptEmail, billing.ReasonInvalid, "error.email",
			billing.Preferences{ReceiptEmail: "keiri@localhost"}},
	} {
		bc := billingCase{name: c.name, err: c.p.Validate()}
		bc.want, bc.form = one(c.field, c.reason, c.key)
		cases = append(cases, bc)
	}
	cases = append(cases, billingCase{"every field",
		billing.Preferences{CompanyName: strings.Repeat("a", 101), Address: strings.Repeat("a", 301), RegistrationNumber: "T1", ReceiptEmail: "@"}.Validate(),
		billing.FieldErrors{{Field: billing.FieldCompanyName, Reason: billing.ReasonTooLong}, {Field: billing.FieldAddress, Reason: billing.ReasonTooLong},
			{Field: billing.FieldRegistrationNumber, Reason: billing.ReasonInvalid}, {Field: billing.FieldReceiptEmail, Reason: billing.ReasonInvalid}},
		web.FieldErrors{"company_name": "error.too_long", "address": "error.too_long", "registration_number": "billing.registration_invalid",
			"receipt_email": "error.email"}})
	checkBillingCases(t, cases)
}

// Every reason a billing input can give has a message on its field: a
// pair missing from billingFieldKeys would show "bad request" on no field.
func TestBillingReasonsAllHaveMessages(t *testing.T) {
	t.Parallel()
	for k, v := range billingFieldKeys {
		for _, loc := range i18n.Locales {
			require.True(t, i18n.Has(loc, v[1]), "%v: %s has no %s message", k, v[1], loc)
		}
	}
	fields := []string{billing.FieldAmount, billing.FieldMethod, billing.FieldKey, billing.FieldThreshold, billing.FieldTarget, billing.FieldCap,
		billing.FieldHolder, billing.FieldNumber, billing.FieldExpiry, billing.FieldCVC,
		billing.FieldCompanyName, billing.FieldAddress, billing.FieldRegistrationNumber, billing.FieldReceiptEmail}
	for _, f := range fields {
		_, ok := billingFieldKeys[[2]string{f, ""}]
		require.True(t, ok, "field %s has no message for its other reasons", f)
	}
}
