package api_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	openapi "github.com/twilio/twilio-go/rest/api/v2010"

	"console/internal/webtest"
)

// Twilio's date filters on lists, driven by the SDK (which sends
// timestamps) and by raw HTTP (dates): DateSent on messages, StartTime and
// EndTime on calls, each as on (=), on or before (<) and on or after (>),
// comparing UTC dates.
func TestListDateFilters(t *testing.T) {
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	ctx := context.Background()
	tw := sdk(t, app, o.AccountSID, o.AuthToken)
	day := func(d int) time.Time { return time.Date(2026, 11, d, 12, 0, 0, 0, time.UTC) }

	msgs := map[int]string{}
	for _, d := range []int{1, 2, 3} {
		sid := app.InsertMessage(o.AccountSID, o.AccountSID)
		_, err := app.Pool.Exec(ctx, `UPDATE messages SET date_created = $2, date_sent = $2 WHERE sid = $1`, sid, day(d))
		require.NoError(t, err)
		msgs[d] = sid
	}
	sids := func(list []openapi.ApiV2010Message) []string {
		var out []string
		for _, m := range list {
			out = append(out, *m.Sid)
		}
		return out
	}
	// 09:00 in Tokyo on the 3rd is the 3rd in UTC; 23:30 in Los Angeles on
	// the 1st is the 2nd in UTC.
	tokyo, la := time.FixedZone("JST", 9*3600), time.FixedZone("PST", -8*3600)
	for _, tc := range []struct {
		name   string
		params openapi.ListMessageParams
		want   []string
	}{
		{"on", openapi.ListMessageParams{DateSent: ptr(time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC))}, []string{msgs[2]}},
		{"on, other zone", openapi.ListMessageParams{DateSent: ptr(time.Date(2026, 11, 1, 23, 30, 0, 0, la))}, []string{msgs[2]}},
		{"before", openapi.ListMessageParams{DateSentBefore: ptr(time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC))}, []string{msgs[2], msgs[1]}},
		{"after", openapi.ListMessageParams{DateSentAfter: ptr(time.Date(2026, 11, 3, 9, 0, 0, 0, tokyo))}, []string{msgs[3]}},
		{"between", openapi.ListMessageParams{DateSentAfter: ptr(day(2)), DateSentBefore: ptr(day(3))}, []string{msgs[3], msgs[2]}},
		{"disjoint", openapi.ListMessageParams{DateSentAfter: ptr(day(3)), DateSentBefore: ptr(day(1))}, nil},
		{"none", openapi.ListMessageParams{}, []string{msgs[3], msgs[2], msgs[1]}},
	} {
		t.Run("messages "+tc.name, func(t *testing.T) {
			got, err := tw.Api.ListMessage(&tc.params)
			require.NoError(t, err)
			require.Equal(t, tc.want, sids(got))
		})
	}

	// Calls: started on the 1st, 2nd and 3rd; each ends the next day.
	calls := map[int]string{}
	for _, d := range []int{1, 2, 3} {
		sid := app.InsertCall(o.AccountSID, o.AccountSID)
		_, err := app.Pool.Exec(ctx, `UPDATE calls SET date_created = $2, start_time = $2, end_time = $3 WHERE sid = $1`, sid, day(d), day(d+1))
		require.NoError(t, err)
		calls[d] = sid
	}
	callSIDs := func(list []openapi.ApiV2010Call) []string {
		var out []string
		for _, c := range list {
			out = append(out, *c.Sid)
		}
		return out
	}
	for _, tc := range []struct {
		name   string
		params openapi.ListCallParams
		want   []string
	}{
		{"started on", openapi.ListCallParams{StartTime: ptr(day(2))}, []string{calls[2]}},
		{"started before", openapi.ListCallParams{StartTimeBefore: ptr(day(2))}, []string{calls[2], calls[1]}},
		{"started after", openapi.ListCallParams{StartTimeAfter: ptr(day(2))}, []string{calls[3], calls[2]}},
		{"ended on", openapi.ListCallParams{EndTime: ptr(day(2))}, []string{calls[1]}},
		{"ended before", openapi.ListCallParams{EndTimeBefore: ptr(day(3))}, []string{calls[2], calls[1]}},
		{"ended after", openapi.ListCallParams{EndTimeAfter: ptr(day(4))}, []string{calls[3]}},
		{"started after, ended before", openapi.ListCallParams{StartTimeAfter: ptr(day(2)), EndTimeBefore: ptr(day(3))}, []string{calls[2]}},
	} {
		t.Run("calls "+tc.name, func(t *testing.T) {
			got, err := tw.Api.ListCall(&tc.params)
			require.NoError(t, err)
			require.Equal(t, tc.want, callSIDs(got))
		})
	}

	// Raw HTTP: dates, timestamps with an unescaped '+', unknown
	// parameters ignored, bad dates refused with Twilio's 20001.
	base := "/2010-04-01/Accounts/" + o.AccountSID
	for _, tc := range []struct {
		path   string
		status int
		count  int
	}{
		{"/Messages.json?DateSent=2026-11-02", 200, 1},
		{"/Messages.json?DateSent%3C=2026-11-02", 200, 2},
		{"/Messages.json?DateSent%3E=2026-11-02", 200, 2},
		{"/Messages.json?DateSent>=2026-11-02&DateSent<=2026-11-02", 200, 1},
		{"/Messages.json?DateSent=2026-11-03T08:00:00+09:00", 200, 1},
		{"/Messages.json?DateSent=2026-11-03T08:00:00%2B09:00", 200, 1},
		{"/Messages.json?DateSentish=2026-11-02&Color=blue", 200, 3},
		{"/Calls.json?StartTime=2026-11-01", 200, 1},
		{"/Calls.json?EndTime%3E=2026-11-03", 200, 2},
		{"/Messages.json?DateSent=yesterday", 400, 0},
		{"/Messages.json?DateSent%3C=2026-13-01", 400, 0},
		{"/Messages.json?DateSent%3E=1999-12-31", 400, 0},
		{"/Calls.json?StartTime%3C=2026-11-02T25:00:00Z", 400, 0},
		{"/Calls.json?EndTime=", 200, 3},
	} {
		res := app.API("GET", base+tc.path, o.AccountSID, o.AuthToken, nil)
		require.Equal(t, tc.status, res.Status, "%s: %s", tc.path, res.Body)
		body := res.JSON(t)
		if tc.status != http.StatusOK {
			require.Equal(t, 20001.0, body["code"], tc.path)
			require.Equal(t, float64(tc.status), body["status"], tc.path)
			continue
		}
		list, _ := body["messages"].([]any)
		if calls, ok := body["calls"].([]any); ok {
			list = calls
		}
		require.Len(t, list, tc.count, tc.path)
	}
}
