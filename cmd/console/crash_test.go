package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"console/internal/billing"
	"console/internal/sid"
	"console/internal/testdb"
)

// process is a `console serve` child process.
type process struct {
	cmd  *exec.Cmd
	base string
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	return ln.Addr().String()
}

func startServe(t *testing.T, bin string, env []string) *process {
	t.Helper()
	addr := freeAddr(t)
	cmd := exec.Command(bin, "serve")
	cmd.Dir = t.TempDir()
	cmd.Env = append(append(os.Environ(), env...), "CONSOLE_ADDR="+addr, "CONSOLE_LOG_LEVEL=warn")
	cmd.Stderr = os.Stderr
	require.NoError(t, cmd.Start())
	p := &process{cmd: cmd, base: "http://" + addr}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	require.Eventually(t, func() bool {
		res, err := http.Get(p.base + "/readyz")
		if err != nil {
			return false
		}
		res.Body.Close()
		return res.StatusCode == http.StatusOK
	}, 60*time.Second, 100*time.Millisecond, "the server did not become ready")
	return p
}

// The server is killed (SIGKILL) after the gateway accepted a charge but
// before the credit committed; once restarted, the charge is credited
// exactly once, and retrying the same request charges nothing more.
func TestCrashAfterChargeIsCreditedOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	ctx := context.Background()
	pool, dsn := testdb.New(t)
	bin := filepath.Join(t.TempDir(), "console")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Stderr = os.Stderr
	require.NoError(t, build.Run())
	env := []string{"DATABASE_URL=" + dsn, "CONSOLE_SECRET_KEY=" + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}

	create := exec.Command(bin, "admin", "create-owner", "--email", "crash@example.com", "--password", "crash password",
		"--name", "Crash", "--project", "Crash", "--currency", "JPY", "--json")
	create.Env, create.Dir, create.Stderr = append(os.Environ(), env...), t.TempDir(), os.Stderr
	out, err := create.Output()
	require.NoError(t, err)
	var owner map[string]string
	require.NoError(t, json.Unmarshal(out, &owner))
	project := owner["account_sid"]
	m := addTestCard(t, pool, project)

	first := startServe(t, bin, append(env, "CONSOLE_FAULT_PAUSE_AFTER_CHARGE=2m"))
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, Timeout: 3 * time.Minute, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	signIn := func(base string) {
		res, err := client.PostForm(base+"/signin", url.Values{"email": {"crash@example.com"}, "password": {"crash password"}})
		require.NoError(t, err)
		res.Body.Close()
		require.Equal(t, http.StatusSeeOther, res.StatusCode)
	}
	signIn(first.base)
	key := sid.Hex32()
	form := url.Values{"amount": {"5000"}, "method": {m.ID}, "key": {key}}
	done := make(chan error, 1)
	go func() {
		res, err := client.PostForm(first.base+"/billing/add-funds", form)
		if err == nil {
			res.Body.Close()
		}
		done <- err
	}()
	count := func(sql string, args ...any) int {
		var n int
		require.NoError(t, pool.QueryRow(ctx, sql, args...).Scan(&n))
		return n
	}
	require.Eventually(t, func() bool { return count(`SELECT count(*) FROM test_gateway_charges`) == 1 }, 30*time.Second, 20*time.Millisecond,
		"the gateway accepts the charge")
	require.NoError(t, first.cmd.Process.Signal(syscall.SIGKILL))
	_ = first.cmd.Wait()
	require.Error(t, <-done, "the request died with the server")
	require.Equal(t, 0, count(`SELECT count(*) FROM ledger_entries WHERE project_sid = $1 AND kind = 'payment'`, project), "not credited yet")
	require.Equal(t, 1, count(`SELECT count(*) FROM payments WHERE project_sid = $1 AND status = 'pending'`, project))

	second := startServe(t, bin, env)
	require.Eventually(t, func() bool {
		return count(`SELECT count(*) FROM ledger_entries WHERE project_sid = $1 AND kind = 'payment'`, project) == 1
	}, 60*time.Second, 100*time.Millisecond, "the settle job credits the charge after the restart")
	bal, err := billing.Balance(ctx, pool, project)
	require.NoError(t, err)
	require.Equal(t, "5000", bal.Amount.String())
	require.Equal(t, 1, count(`SELECT count(*) FROM payments WHERE project_sid = $1 AND status = 'succeeded'`, project))

	// The user retries the same form: the same payment answers; nothing more is charged.
	signIn(second.base)
	res, err := client.PostForm(second.base+"/billing/add-funds", form)
	require.NoError(t, err)
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	require.Equal(t, http.StatusSeeOther, res.StatusCode, string(body))
	require.Equal(t, 1, count(`SELECT count(*) FROM test_gateway_charges`))
	require.Equal(t, 1, count(`SELECT count(*) FROM ledger_entries WHERE project_sid = $1 AND kind = 'payment'`, project))
	bad, err := billing.CheckLedger(ctx, pool)
	require.NoError(t, err)
	require.Empty(t, bad, fmt.Sprint(bad))
}

func addTestCard(t *testing.T, pool *pgxpool.Pool, project string) *billing.Method {
	t.Helper()
	ctx := context.Background()
	gw := &billing.TestGateway{Pool: pool}
	card := billing.Card{Holder: "Crash", Number: "4242424242424242", ExpMonth: 12, ExpYear: time.Now().Year() + 2, CVC: "123"}
	tok, err := gw.Tokenize(ctx, card)
	require.NoError(t, err)
	tx, err := pool.Begin(ctx)
	require.NoError(t, err)
	defer tx.Rollback(ctx)
	m, err := billing.AddMethod(ctx, tx, project, card, tok)
	require.NoError(t, err)
	require.NoError(t, tx.Commit(ctx))
	require.True(t, strings.HasPrefix(m.ID, "PM"))
	return m
}
