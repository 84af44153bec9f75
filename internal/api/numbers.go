package api

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"console/internal/account"
	"console/internal/audit"
	"console/internal/numbers"
	"console/internal/sid"
)

// capabilitiesJSON is an AvailablePhoneNumber's capabilities: Twilio
// spells SMS and MMS in capitals there, and only there.
type capabilitiesJSON struct {
	Voice bool `json:"voice"`
	SMS   bool `json:"SMS"`
	MMS   bool `json:"MMS"`
	Fax   bool `json:"fax"`
}

// ownedCapabilitiesJSON is an IncomingPhoneNumber's capabilities, all
// keys lowercase as in Twilio's OpenAPI description: SDKs read
// capabilities.sms.
type ownedCapabilitiesJSON struct {
	Voice bool `json:"voice"`
	SMS   bool `json:"sms"`
	MMS   bool `json:"mms"`
	Fax   bool `json:"fax"`
}

// availableJSON is Twilio's AvailablePhoneNumber resource.
type availableJSON struct {
	FriendlyName        string           `json:"friendly_name"`
	PhoneNumber         string           `json:"phone_number"`
	Lata                *string          `json:"lata"`
	Locality            *string          `json:"locality"`
	RateCenter          *string          `json:"rate_center"`
	Latitude            *string          `json:"latitude"`
	Longitude           *string          `json:"longitude"`
	Region              *string          `json:"region"`
	PostalCode          *string          `json:"postal_code"`
	ISOCountry          string           `json:"iso_country"`
	AddressRequirements string           `json:"address_requirements"`
	Beta                bool             `json:"beta"`
	Capabilities        capabilitiesJSON `json:"capabilities"`
}

// numberTypes maps the resource names of AvailablePhoneNumbers to types.
var numberTypes = map[string]string{"Local.json": numbers.Local, "TollFree.json": numbers.TollFree, "Mobile.json": numbers.Mobile}

func capabilities(country, numberType string) capabilitiesJSON {
	return capabilitiesJSON{Voice: true, SMS: numbers.SMSCapable(country, numberType), MMS: false, Fax: false}
}

func (a *API) listAvailable(w http.ResponseWriter, r *http.Request) error {
	acc, err := a.targetAccount(r, "accountSid")
	if err != nil {
		return err
	}
	country := strings.ToUpper(chi.URLParam(r, "country"))
	numberType, ok := numberTypes[chi.URLParam(r, "type")]
	if !ok {
		return errNotFound(r.URL.Path)
	}
	size := 20
	if v := r.URL.Query().Get("PageSize"); v != "" {
		if size, err = strconv.Atoi(v); err != nil || size < 1 {
			return errInvalid("PageSize", "must be a positive integer")
		}
		size = min(size, 50)
	}
	contains := strings.TrimPrefix(strings.ReplaceAll(r.URL.Query().Get("Contains"), "*", ""), "+")
	available, err := a.numbers.Available(r.Context(), country, numberType, contains, size)
	if err != nil {
		return err
	}
	list := []availableJSON{}
	for _, n := range available {
		list = append(list, availableJSON{FriendlyName: n, PhoneNumber: n, ISOCountry: country, AddressRequirements: "none",
			Capabilities: capabilities(country, numberType)})
	}
	writeJSON(w, http.StatusOK, map[string]any{"available_phone_numbers": list, "uri": r.URL.RequestURI(), "account_sid": acc.SID})
	return nil
}

// numberJSON is Twilio's IncomingPhoneNumber resource.
type numberJSON struct {
	AccountSID          string                `json:"account_sid"`
	AddressRequirements string                `json:"address_requirements"`
	APIVersion          string                `json:"api_version"`
	Beta                bool                  `json:"beta"`
	Capabilities        ownedCapabilitiesJSON `json:"capabilities"`
	DateCreated         string                `json:"date_created"`
	DateUpdated         string                `json:"date_updated"`
	FriendlyName        string                `json:"friendly_name"`
	Origin              string                `json:"origin"`
	PhoneNumber         string                `json:"phone_number"`
	SID                 string                `json:"sid"`
	SMSMethod           string                `json:"sms_method"`
	SMSURL              string                `json:"sms_url"`
	Status              string                `json:"status"`
	StatusCallback      string                `json:"status_callback"`
	URI                 string                `json:"uri"`
	VoiceMethod         string                `json:"voice_method"`
	VoiceURL            string                `json:"voice_url"`
}

func numberResource(accountSID string, n *numbers.Number) numberJSON {
	return numberJSON{AccountSID: accountSID, AddressRequirements: "none", APIVersion: "2010-04-01", Capabilities: ownedCapabilitiesJSON(capabilities(n.Country, n.Type)),
		DateCreated: rfc2822(n.DateCreated), DateUpdated: rfc2822(n.DateUpdated), FriendlyName: n.FriendlyName, Origin: "twilio",
		PhoneNumber: n.PhoneNumber, SID: n.SID, SMSMethod: "POST", Status: "in-use", URI: "/2010-04-01/Accounts/" + accountSID + "/IncomingPhoneNumbers/" + n.SID + ".json",
		VoiceMethod: "POST"}
}

// testNumberUnavailable is the magic number that is never available to test credentials.
const testNumberUnavailable = "+15005550000"

var errNumberUnavailable = twilioError(400, 21422, "PhoneNumber is not available")

// buyNumber charges the first month and adds the monthly recurring item,
// with the number, in one transaction.
func (a *API) buyNumber(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := principal(ctx)
	acc, err := a.targetAccount(r, "accountSid")
	if err != nil {
		return err
	}
	req := numbers.BuyRequest{PhoneNumber: strings.TrimSpace(r.PostFormValue("PhoneNumber")), FriendlyName: r.PostFormValue("FriendlyName")}
	if err := req.Validate(); err != nil {
		return numberError(err)
	}
	phone, name := req.PhoneNumber, strings.TrimSpace(req.FriendlyName)
	if name == "" {
		name = phone
	}
	now := time.Now()
	if p.Cred == account.CredTest {
		if phone == testNumberUnavailable {
			return errNumberUnavailable
		}
		n := &numbers.Number{SID: sid.New("PN"), PhoneNumber: phone, FriendlyName: name, Country: "US", Type: numbers.Local, DateCreated: now, DateUpdated: now}
		writeJSON(w, http.StatusCreated, numberResource(p.TestSID, n))
		return nil
	}
	n, err := a.numbers.Buy(ctx, audit.ActorFrom(ctx), acc, req)
	switch {
	case errors.Is(err, numbers.ErrNotAvailable), errors.Is(err, numbers.ErrNoPrice):
		return errNumberUnavailable
	case errors.Is(err, numbers.ErrSuspended), errors.Is(err, numbers.ErrInsufficientFunds):
		return errAccountNotActive
	case errors.Is(err, account.ErrNotActive):
		return errAccountInactive
	case err != nil:
		return err
	}
	writeJSON(w, http.StatusCreated, numberResource(acc.SID, n))
	return nil
}

func (a *API) listNumbers(w http.ResponseWriter, r *http.Request) error {
	acc, err := a.targetAccount(r, "accountSid")
	if err != nil {
		return err
	}
	pg, err := parsePage(r)
	if err != nil {
		return err
	}
	ns, err := a.numbers.List(r.Context(), acc.ProjectSID, acc.SID, pg.After, pg.Offset(), pg.Size+1)
	if err != nil {
		return err
	}
	return writePage(w, r, pg, ns, "incoming_phone_numbers", func(n *numbers.Number) string { return n.SID },
		func(n *numbers.Number) (numberJSON, error) { return numberResource(acc.SID, n), nil })
}

func (a *API) number(r *http.Request) (*account.Account, *numbers.Number, error) {
	acc, err := a.targetAccount(r, "accountSid")
	if err != nil {
		return nil, nil, err
	}
	n, err := a.numbers.Get(r.Context(), acc.ProjectSID, acc.SID, chi.URLParam(r, "sid"))
	if errors.Is(err, numbers.ErrNotFound) {
		return nil, nil, errNotFound(r.URL.Path)
	}
	return acc, n, err
}

func (a *API) getNumber(w http.ResponseWriter, r *http.Request) error {
	acc, n, err := a.number(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, numberResource(acc.SID, n))
	return nil
}

func (a *API) updateNumber(w http.ResponseWriter, r *http.Request) error {
	acc, n, err := a.number(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return errInvalid("body", "must be form-encoded")
	}
	if names, ok := r.PostForm["FriendlyName"]; ok {
		ctx := r.Context()
		n, err = a.numbers.Rename(ctx, audit.ActorFrom(ctx), acc, n.SID, numbers.RenameInput{FriendlyName: names[0]})
		if errors.Is(err, numbers.ErrNotFound) {
			return errNotFound(r.URL.Path)
		}
		if err != nil {
			return numberError(err)
		}
	}
	writeJSON(w, http.StatusOK, numberResource(acc.SID, n))
	return nil
}

// releaseNumber gives the number up and stops its monthly charge.
func (a *API) releaseNumber(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	acc, n, err := a.number(r)
	if err != nil {
		return err
	}
	_, err = a.numbers.Release(ctx, audit.ActorFrom(ctx), acc, n.SID)
	if errors.Is(err, numbers.ErrNotFound) {
		return errNotFound(r.URL.Path)
	}
	if errors.Is(err, account.ErrNotActive) {
		return errAccountInactive
	}
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// numberProblemErrors are Twilio's errors for the numbers inputs' problems.
var numberProblemErrors = map[numbers.Problem]*Error{
	{Field: numbers.FieldPhoneNumber, Reason: numbers.ReasonRequired}:  twilioError(400, 21452, "A PhoneNumber or AreaCode is required"),
	{Field: numbers.FieldFriendlyName, Reason: numbers.ReasonRequired}: errInvalid("FriendlyName", "must not be empty"),
	{Field: numbers.FieldFriendlyName, Reason: numbers.ReasonTooLong}:  errInvalid("FriendlyName", "must be at most 64 characters"),
}

// numberError turns the numbers.Problems in err into Twilio's error for
// the first; any other err is returned as it is.
func numberError(err error) error {
	var ps numbers.Problems
	if !errors.As(err, &ps) || len(ps) == 0 {
		return err
	}
	if e, ok := numberProblemErrors[ps[0]]; ok {
		return e
	}
	return errInvalid(ps[0].Field, "is not valid")
}
