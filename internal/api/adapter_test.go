package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"

	"console/internal/database"
)

func adapt(fn handlerFunc) *httptest.ResponseRecorder {
	a := &API{log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	w := httptest.NewRecorder()
	a.h(fn).ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/2010-04-01/Accounts.json", nil))
	return w
}

func twilioBody(t *testing.T, w *httptest.ResponseRecorder) errorBody {
	t.Helper()
	require.Equal(t, "application/json; charset=utf-8", w.Header().Get("Content-Type"))
	var b errorBody
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &b), w.Body.String())
	require.Equal(t, w.Code, b.Status)
	require.Equal(t, fmt.Sprintf("https://www.twilio.com/docs/errors/%d", b.Code), b.MoreInfo)
	return b
}

// A panic in a handler is answered in Twilio's JSON shape, its text kept
// out of the answer; the server's own abort still aborts.
func TestAdapterAnswersAPanicInTwilioShape(t *testing.T) {
	t.Parallel()
	w := adapt(func(w http.ResponseWriter, r *http.Request) error {
		var s []int
		_ = s[5] // index out of range
		return nil
	})
	require.Equal(t, http.StatusInternalServerError, w.Code)
	b := twilioBody(t, w)
	require.Equal(t, 20500, b.Code)
	require.NotContains(t, w.Body.String(), "index out of range")

	// A panic after the answer began: nothing is appended to it.
	w = adapt(func(w http.ResponseWriter, r *http.Request) error {
		writeJSON(w, http.StatusOK, map[string]string{"ok": "yes"})
		panic("late")
	})
	require.Equal(t, http.StatusOK, w.Code)
	require.JSONEq(t, `{"ok":"yes"}`, w.Body.String())

	require.PanicsWithValue(t, http.ErrAbortHandler, func() {
		adapt(func(w http.ResponseWriter, r *http.Request) error { panic(http.ErrAbortHandler) })
	})
}

// A database outage is a 503 with Retry-After and Twilio's 20503; any
// other unexpected error stays a 500.
func TestAdapterAnswersAnOutageWith503(t *testing.T) {
	t.Parallel()
	w := adapt(func(w http.ResponseWriter, r *http.Request) error {
		return fmt.Errorf("listing: %w", &pgconn.PgError{Severity: "FATAL", Code: "57P01", Message: "terminating connection due to administrator command"})
	})
	require.Equal(t, http.StatusServiceUnavailable, w.Code)
	require.Equal(t, "5", w.Header().Get("Retry-After"))
	b := twilioBody(t, w)
	require.Equal(t, 20503, b.Code)
	require.NotContains(t, b.Message, "administrator")

	w = adapt(func(w http.ResponseWriter, r *http.Request) error { return errors.New("a bug") })
	require.Equal(t, http.StatusInternalServerError, w.Code)
	require.Empty(t, w.Header().Get("Retry-After"))
	require.Equal(t, 20500, twilioBody(t, w).Code)
}

// FuzzCheckInput: whatever query and body arrive, the API's decoding
// answers without panicking, and either accepts them — then every name
// and value it hands to handlers is text PostgreSQL can store — or
// refuses them with a 400 in Twilio's shape.
func FuzzCheckInput(f *testing.F) {
	for _, seed := range [][3]string{
		{"PageSize=50&Page=0", "To=%2B14155550100&Body=hi", "application/x-www-form-urlencoded"},
		{"To=a%00b", "", ""},
		{"", "Body=%FF%FE", "application/x-www-form-urlencoded"},
		{"%00=x", "", ""},
		{"a=%zz", "", ""},
		{"", "a=%zz", "application/x-www-form-urlencoded"},
		{"", "--b\r\nContent-Disposition: form-data; name=\"To\"\r\n\r\nx\x00y\r\n--b--\r\n", "multipart/form-data; boundary=b"},
		{"", "--b\r\nContent-Disposition: form-data; name=\"To\"\r\n\r\n\xff\r\n--b--\r\n", "multipart/form-data; boundary=b"},
		{"", "not multipart", "multipart/form-data; boundary=b"},
		{"x=1;y=2", "", ""},
		{"FriendlyName=%E6%97%A5%E6%9C%AC", "FriendlyName=%E6%97%A5", "application/x-www-form-urlencoded; charset=utf-8"},
		{"", "{\"json\":true}", "application/json"},
	} {
		f.Add(seed[0], seed[1], seed[2])
	}
	f.Fuzz(func(t *testing.T, query, body, contentType string) {
		r, err := http.NewRequest(http.MethodPost, "http://api.test/2010-04-01/Accounts.json", strings.NewReader(body))
		if err != nil {
			t.Skip()
		}
		r.URL.RawQuery = query
		r.Header.Set("Content-Type", contentType)
		if e := checkInput(r); e != nil {
			if e.Status != http.StatusBadRequest || e.Code != 20001 || !database.IsText(e.Message) {
				t.Fatalf("refused with %d %d %q", e.Status, e.Code, e.Message)
			}
			return
		}
		for k, vs := range r.Form {
			if !database.IsText(k) {
				t.Fatalf("accepted name %q", k)
			}
			for _, v := range vs {
				if !database.IsText(v) {
					t.Fatalf("accepted %s=%q", k, v)
				}
			}
			if v := r.FormValue(k); !database.IsText(v) {
				t.Fatalf("FormValue(%q) = %q", k, v)
			}
		}
		for k := range r.PostForm {
			if v := r.PostFormValue(k); !database.IsText(v) {
				t.Fatalf("PostFormValue(%q) = %q", k, v)
			}
		}
	})
}
