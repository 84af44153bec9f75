package console_test

import (
	"net/http"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"

	"console/internal/webtest"
)

// A field of the trigger form is described by its help, and by its error
// once it has one: a screen reader reads both when the field has focus,
// and the field is marked invalid.
func TestTriggerFieldsAreDescribedByTheirHelpAndError(t *testing.T) {
	t.Parallel()
	app := webtest.Start(t)
	o := app.CreateOwner("USD")
	c := app.Client()
	c.SignIn(o.Email, o.Password)

	page := c.Get("/usage/triggers/new")
	require.Equal(t, http.StatusOK, page.Status)
	require.Regexp(t, `name="trigger_value"[^>]* aria-describedby="trigger_value-hint"`, page.Body)
	require.Contains(t, page.Body, `id="trigger_value-hint"`)
	require.NotContains(t, page.Body, `aria-invalid`)

	form := seedForm()
	form.Set("trigger_value", "0")
	form.Set("callback_url", "ftp://example.com/hook")
	res := c.Post("/usage/triggers", form)
	require.Equal(t, http.StatusUnprocessableEntity, res.Status)
	for _, field := range []string{"trigger_value", "callback_url"} {
		input := regexp.MustCompile(`<input[^>]*name="` + field + `"[^>]*>`).FindString(res.Body)
		require.Contains(t, input, `aria-invalid="true"`, field)
		require.Contains(t, input, `aria-describedby="`+field+`-hint `+field+`-error"`, field)
		require.Contains(t, res.Body, `id="`+field+`-error"`)
	}
	friendly := regexp.MustCompile(`<input[^>]*name="friendly_name"[^>]*>`).FindString(res.Body)
	require.NotContains(t, friendly, "aria-invalid", "a field without an error is not marked")
}
