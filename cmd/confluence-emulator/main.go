// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

// Command confluence-emulator serves the Confluence Cloud emulator on a loopback
// address, optionally persisted to a JSON file, for demos and manual testing.
//
//	confluence-emulator -seed demo -data site.json -addr 127.0.0.1:8090
//
// -fault arms an injected failure (repeatable), e.g. to see a provider retry:
//
//	confluence-emulator -seed demo -fault 'POST:^/wiki/api/v2/pages$:503:2'
//
// Real-API switches model what Confluence Cloud does and a tidy test site would not:
//
//	confluence-emulator -seed demo -page-lag-reads 2 -label-lag 3s -transient-conflicts 1 \
//	  -gateway-after-write 504 -body-limit 65536 -strict-spec -documented-label-prefixes
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"os"
	"os/signal"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/docs-as-code/terraform-provider-confluence/internal/emulator"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "confluence-emulator:", err)
		os.Exit(1)
	}
}

type config struct {
	addr      string
	dataFile  string
	seed      string
	latency   time.Duration
	rateLimit float64
	rateBurst int
	faults    faultFlags

	// Real-API switches (see emulator.Options).
	pageLagReads, labelLagReads int
	pageLag, labelLag           time.Duration
	transientConflicts          int
	gatewayAfterWrite           gatewayFlag
	bodyLimit                   int64
	strictSpec                  bool
	documentedLabelPrefixes     bool
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var cfg config
	fs := flag.NewFlagSet("confluence-emulator", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.addr, "addr", "127.0.0.1:8090", "loopback address to listen on (port 0 picks a free one)")
	fs.StringVar(&cfg.dataFile, "data", "", "JSON file to load the site from (if it exists) and save it to on exit")
	fs.StringVar(&cfg.seed, "seed", "", `seed a new site: "demo" (ignored when -data names an existing file)`)
	fs.DurationVar(&cfg.latency, "latency", 0, "latency added to every request, e.g. 50ms")
	fs.Float64Var(&cfg.rateLimit, "rate-limit", 0, "requests per second per account (0 = unlimited)")
	fs.IntVar(&cfg.rateBurst, "rate-burst", 10, "burst size of the per-account rate limit")
	fs.Var(&cfg.faults, "fault", "inject a fault (repeatable): `"+faultFormat+"` with KIND one of "+faultKindList+
		"; METHOD * matches any method, TIMES defaults to 1; e.g. POST:^/wiki/api/v2/pages$:503:2")
	fs.IntVar(&cfg.pageLagReads, "page-lag-reads", 0, "reads by id or list that miss a newly created page (read-after-write lag)")
	fs.DurationVar(&cfg.pageLag, "page-lag", 0, "how long a newly created page answers 404 and is missing from lists, e.g. 2s")
	fs.IntVar(&cfg.labelLagReads, "label-lag-reads", 0, "reads that miss a newly added label (page labels, the space's label index, the label's pages)")
	fs.DurationVar(&cfg.labelLag, "label-lag", 0, "how long a newly added label is missing from reads, e.g. 2s")
	fs.IntVar(&cfg.transientConflicts, "transient-conflicts", 0, "page updates with the right version that answer a transient 409 (OptimisticLockException, unreconciled content) without saving")
	fs.Var(&cfg.gatewayAfterWrite, "gateway-after-write", "answer `STATUS[:TIMES]` (502 or 504) after saving page creates and updates, property writes and label writes; TIMES per route, default 1")
	fs.Int64Var(&cfg.bodyLimit, "body-limit", emulator.DefaultBodyLimit, "largest request body in bytes; larger ones answer 413 (Confluence documents 5 MB)")
	fs.BoolVar(&cfg.strictSpec, "strict-spec", false, "refuse query parameters and values the OpenAPI documents do not allow, with 400")
	fs.BoolVar(&cfg.documentedLabelPrefixes, "documented-label-prefixes", false, "a space's content labels list only my and team labels unless prefix is given, as documented")
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	if fs.NArg() > 0 {
		return config{}, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if cfg.seed != "" && cfg.seed != "demo" {
		return config{}, fmt.Errorf(`unknown -seed %q: the only seed is "demo"`, cfg.seed)
	}
	if err := checkLoopback(cfg.addr); err != nil {
		return config{}, err
	}
	for name, n := range map[string]int64{"-page-lag-reads": int64(cfg.pageLagReads), "-label-lag-reads": int64(cfg.labelLagReads),
		"-transient-conflicts": int64(cfg.transientConflicts), "-page-lag": int64(cfg.pageLag), "-label-lag": int64(cfg.labelLag)} {
		if n < 0 {
			return config{}, fmt.Errorf("%s must not be negative", name)
		}
	}
	if cfg.bodyLimit < 1 {
		return config{}, fmt.Errorf("-body-limit %d is not a positive number of bytes", cfg.bodyLimit)
	}
	return cfg, nil
}

// checkLoopback refuses addresses other machines could reach: the emulator accepts
// well-known demo tokens.
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("invalid -addr %q: %w", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("-addr %q is not a loopback address: use 127.0.0.1, [::1] or localhost", addr)
}

// openSite loads the data file if it exists, else builds a new (optionally seeded) site.
func openSite(cfg config) (*emulator.Emulator, error) {
	opts := emulator.Options{
		Latency: cfg.latency, RateLimit: cfg.rateLimit, RateBurst: cfg.rateBurst,
		PageLag:                 emulator.ReadLag{Reads: cfg.pageLagReads, For: cfg.pageLag},
		LabelLag:                emulator.ReadLag{Reads: cfg.labelLagReads, For: cfg.labelLag},
		TransientConflicts:      cfg.transientConflicts,
		BodyLimit:               cfg.bodyLimit,
		StrictSpec:              cfg.strictSpec,
		DocumentedLabelPrefixes: cfg.documentedLabelPrefixes,
	}
	if cfg.dataFile != "" {
		if _, err := os.Stat(cfg.dataFile); err == nil {
			return emulator.Load(cfg.dataFile, opts)
		} else if !errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("reading -data file: %w", err)
		}
	}
	if cfg.seed == "demo" {
		return emulator.NewDemo(opts), nil
	}
	return emulator.New(opts), nil
}

// listen is replaceable in tests.
var listen = func(addr string) (net.Listener, error) { return net.Listen("tcp", addr) }

// run serves until ctx is done, then shuts down and saves the site to the data file.
func run(ctx context.Context, args []string, stdout io.Writer) error {
	cfg, err := parseFlags(args, stdout)
	if err != nil {
		return err
	}
	emu, err := openSite(cfg)
	if err != nil {
		return err
	}
	faults := append(slices.Clone(cfg.faults), cfg.gatewayAfterWrite.faults()...)
	for _, f := range faults {
		emu.InjectFault(f)
	}
	ln, err := listen(cfg.addr)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", cfg.addr, err)
	}
	srv := &http.Server{Handler: emu, ReadHeaderTimeout: 10 * time.Second}
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()

	printBanner(stdout, "http://"+ln.Addr().String(), emu, faults)

	select {
	case <-ctx.Done():
	case err := <-serveErr:
		return fmt.Errorf("serving: %w", err)
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		fmt.Fprintln(stdout, "confluence-emulator: shutdown:", err)
	}
	if cfg.dataFile != "" {
		if err := emu.Save(cfg.dataFile); err != nil {
			return err
		}
		fmt.Fprintln(stdout, "saved site to", cfg.dataFile)
	}
	return nil
}

func printBanner(w io.Writer, baseURL string, emu *emulator.Emulator, faults []emulator.Fault) {
	fmt.Fprintf(w, "Confluence emulator listening on %s (CONFLUENCE_URL=%s)\n", baseURL, baseURL)
	grants := emu.Grants()
	for _, a := range emu.Accounts() {
		role := describeGrants(grants[a.Email])
		if a.SiteAdmin {
			role = "site admin"
		}
		// No credential is ever printed, seeded or loaded from -data: banners end
		// up in CI logs. The demo seed's tokens are in the README.
		switch {
		case a.Token != "":
			fmt.Fprintf(w, "  %-22s API token (not shown) %s\n", a.Email, role)
		case len(a.OAuthClients) > 0:
			fmt.Fprintf(w, "  %s OAuth client %s (secret not shown) %s\n", a.Email, a.OAuthClients[0].ClientID, role)
		default:
			fmt.Fprintf(w, "  %s scoped token (not shown) %s\n", a.Email, role)
		}
	}
	fmt.Fprintln(w, "credentials are not shown: the demo seed's are listed in the README (\"The Confluence emulator\")")
	fmt.Fprintf(w, "gateway: %s/ex/confluence/%s, OAuth token URL: %s/oauth/token, cloud id at %s/_edge/tenant_info\n", baseURL, emu.CloudID(), baseURL, baseURL)
	fmt.Fprintf(w, "stats: GET %s/__emulator/stats, reset: POST %s/__emulator/reset-stats\n", baseURL, baseURL)
	for _, f := range faults {
		fmt.Fprintln(w, "fault armed:", describeFault(f))
	}
}

// describeFault renders an armed fault for the banner, e.g.
// "POST ^/wiki/api/v2/pages$ -> 503, 2 times".
func describeFault(f emulator.Fault) string {
	method := f.Method
	if method == "" {
		method = "any method"
	}
	times := "once"
	if f.Times > 1 {
		times = fmt.Sprintf("%d times", f.Times)
	}
	return fmt.Sprintf("%s %s -> %s, %s", method, f.Path, f.Kind, times)
}

// The -fault syntax, for usage and error messages.
const (
	faultFormat   = "METHOD:PATH_REGEX:KIND[:TIMES]"
	faultKindList = "503, drop-after-commit, 500-before, 502-after-commit, 504-after-commit"
	faultSyntax   = faultFormat + " with KIND one of " + faultKindList
)

// faultKinds are the kinds -fault accepts, by the name FaultKind.String gives them.
var faultKinds = []emulator.FaultKind{emulator.Fault503, emulator.FaultDropAfterCommit, emulator.Fault500Before, emulator.Fault502AfterCommit, emulator.Fault504AfterCommit}

// gatewayFlag is -gateway-after-write STATUS[:TIMES].
type gatewayFlag struct {
	kind  emulator.FaultKind
	times int // 0: the flag is not set
}

func (g *gatewayFlag) String() string {
	if g == nil || g.times == 0 {
		return ""
	}
	return fmt.Sprintf("%s:%d", strings.TrimSuffix(g.kind.String(), "-after-commit"), g.times)
}

func (g *gatewayFlag) Set(value string) error {
	status, timesText, hasTimes := strings.Cut(value, ":")
	switch status {
	case "502":
		g.kind = emulator.Fault502AfterCommit
	case "504":
		g.kind = emulator.Fault504AfterCommit
	default:
		return fmt.Errorf("status %q is not 502 or 504 (want STATUS[:TIMES])", status)
	}
	g.times = 1
	if hasTimes {
		n, err := strconv.Atoi(timesText)
		if err != nil || n < 1 {
			return fmt.Errorf("TIMES %q is not a positive number (want STATUS[:TIMES])", timesText)
		}
		g.times = n
	}
	return nil
}

func (g *gatewayFlag) faults() []emulator.Fault {
	if g.times == 0 {
		return nil
	}
	return emulator.WriteGatewayFaults(g.kind, g.times)
}

// faultFlags collects the repeated -fault flag.
type faultFlags []emulator.Fault

func (ff *faultFlags) String() string {
	if ff == nil {
		return ""
	}
	parts := make([]string, len(*ff))
	for i, f := range *ff {
		parts[i] = describeFault(f)
	}
	return strings.Join(parts, "; ")
}

func (ff *faultFlags) Set(value string) error {
	f, err := parseFault(value)
	if err != nil {
		return err
	}
	*ff = append(*ff, f)
	return nil
}

// parseFault parses METHOD:PATH_REGEX:KIND[:TIMES]. The regexp may itself contain
// colons, so METHOD runs to the first colon and KIND (and TIMES) are taken from the
// end: a value ending in KIND:NUMBER has TIMES = NUMBER.
func parseFault(value string) (emulator.Fault, error) {
	bad := func(format string, args ...any) (emulator.Fault, error) {
		return emulator.Fault{}, fmt.Errorf("%s (want %s)", fmt.Sprintf(format, args...), faultSyntax)
	}
	method, rest, ok := strings.Cut(value, ":")
	if !ok {
		return bad("missing PATH_REGEX and KIND")
	}
	switch {
	case method == "*":
		method = "" // the emulator's "any method"
	case method == "" || strings.IndexFunc(method, func(r rune) bool { return (r < 'A' || r > 'Z') && (r < 'a' || r > 'z') }) >= 0:
		return bad("method %q is not an HTTP method or *", method)
	default:
		method = strings.ToUpper(method)
	}

	f := emulator.Fault{Method: method, Times: 1}
	pathAndKind, last, ok := cutLast(rest)
	if !ok {
		return bad("missing KIND after PATH_REGEX")
	}
	f.Path = pathAndKind
	kind, known := faultKind(last)
	if n, err := strconv.Atoi(last); err == nil {
		// KIND:NUMBER ends the value: NUMBER is TIMES.
		if path, kindName, ok := cutLast(pathAndKind); ok {
			if k, isKind := faultKind(kindName); isKind {
				if n < 1 {
					return bad("TIMES %d is not a positive number", n)
				}
				f.Path, f.Times, kind, known = path, n, k, true
			}
		}
	}
	if !known {
		return bad("unknown fault kind %q", last)
	}
	f.Kind = kind
	if f.Path == "" {
		return bad("PATH_REGEX is empty: use .* to match every path")
	}
	if _, err := regexp.Compile(f.Path); err != nil {
		return bad("PATH_REGEX %q does not compile: %v", f.Path, err)
	}
	return f, nil
}

// cutLast splits s around its last colon.
func cutLast(s string) (before, after string, found bool) {
	i := strings.LastIndexByte(s, ':')
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+1:], true
}

func faultKind(name string) (emulator.FaultKind, bool) {
	for _, k := range faultKinds {
		if k.String() == name {
			return k, true
		}
	}
	return 0, false
}

// describeGrants lists an account's permissions by space, e.g. "DOCS: edit, OPS: view".
func describeGrants(bySpace map[string]emulator.Permission) string {
	if len(bySpace) == 0 {
		return "no space permissions"
	}
	parts := make([]string, 0, len(bySpace))
	for _, key := range slices.Sorted(maps.Keys(bySpace)) {
		parts = append(parts, fmt.Sprintf("%s: %s", key, bySpace[key]))
	}
	return strings.Join(parts, ", ")
}
