// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package policy

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"
)

// Space property keys under which the admin workspace stores the records. The
// connection name follows the prefix.
const (
	ConnectionPropertyPrefix = "terraform.connection."
	PolicyPropertyPrefix     = "terraform.policy."
)

// SchemaVersion is the record format this package writes and reads. A record
// with a higher version was written by a newer provider and is refused rather
// than half understood.
const SchemaVersion = 1

// PolicySchemaVersionApprovals is the version of a policy record that names
// approvers. Such a record is written as version 2 so that a provider too old
// to know approvers refuses it ("upgrade the provider") instead of ignoring
// the approvers and accepting CONFLUENCE_CONFIRMATIONS: an older reader must
// never loosen the policy. Records without approvers stay version 1.
const PolicySchemaVersionApprovals = 2

// MaxApprovers bounds the approver list of a policy record.
const MaxApprovers = 50

// MaxConnectionNameLength keeps the longest property key
// ("terraform.connection." + name) far below Confluence's 255-character limit.
const MaxConnectionNameLength = 64

var connectionNamePattern = regexp.MustCompile(`^[a-z0-9._-]+$`)

// ConnectionPropertyKey is the space property key of the connection record
// named name.
func ConnectionPropertyKey(name string) string { return ConnectionPropertyPrefix + name }

// PolicyPropertyKey is the space property key of the operation policy of the
// connection named name.
func PolicyPropertyKey(name string) string { return PolicyPropertyPrefix + name }

// ValidateConnectionName checks that name can be part of a space property key:
// 1 to 64 characters among lowercase letters, digits, '-', '_' and '.'.
func ValidateConnectionName(name string) error {
	switch {
	case name == "":
		return errors.New("connection name is empty: use 1 to 64 lowercase letters, digits, '-', '_' or '.'")
	case len(name) > MaxConnectionNameLength:
		return fmt.Errorf("connection name %q is %d characters long: use at most %d", name, len(name), MaxConnectionNameLength)
	case !connectionNamePattern.MatchString(name):
		return fmt.Errorf("connection name %q contains characters other than lowercase letters, digits, '-', '_' and '.': for example %q", name, suggestName(name))
	}
	return nil
}

// suggestName turns an invalid name into a valid-looking one for the error
// message ("CI Bot" → "ci-bot").
func suggestName(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	s := b.String()
	if len(s) > MaxConnectionNameLength {
		s = s[:MaxConnectionNameLength]
	}
	return s
}

// ConnectionRecord is a registered automation identity, stored under
// ConnectionPropertyKey(Name) in every space of its scope.
type ConnectionRecord struct {
	Name        string
	AccountID   string // Atlassian account id the API token authenticates as
	Email       string
	DisplayName string
	Spaces      []string // scope: space keys, sorted
	RotatedAt   time.Time
	ExpiresAt   *time.Time // nil when the token's expiry is not known
	ManagedBy   string     // account id of the admin that wrote the record
	// AuthMode is how the connection authenticates (classic_token,
	// scoped_token, oauth_client_credentials); "" in records written before
	// the field existed, which read as classic_token (see Mode).
	AuthMode string
	// ClientID is the OAuth client id of an oauth_client_credentials
	// connection; the secret is never recorded.
	ClientID string
	// SchemaVersion is the version the record was read with; encoding always
	// writes the current SchemaVersion.
	SchemaVersion int
}

// DefaultAuthMode is the mode of records that name none.
const DefaultAuthMode = "classic_token"

// Mode returns the record's auth mode, DefaultAuthMode for older records.
func (r ConnectionRecord) Mode() string {
	if r.AuthMode == "" {
		return DefaultAuthMode
	}
	return r.AuthMode
}

// InScope reports whether spaceKey is in the connection's scope.
func (r ConnectionRecord) InScope(spaceKey string) bool {
	return slices.Contains(r.Spaces, spaceKey)
}

// Validate reports the first problem that makes r unusable as a record.
func (r ConnectionRecord) Validate() error {
	if err := ValidateConnectionName(r.Name); err != nil {
		return err
	}
	if strings.TrimSpace(r.AccountID) == "" {
		return fmt.Errorf("connection %q has no account id", r.Name)
	}
	for _, s := range r.Spaces {
		if strings.TrimSpace(s) == "" {
			return fmt.Errorf("connection %q lists an empty space key in its scope", r.Name)
		}
	}
	return nil
}

// PolicyRecord is the operation policy of one connection, stored under
// PolicyPropertyKey(Connection) in every space of the connection's scope.
type PolicyRecord struct {
	Connection string
	Levels     map[Operation]Level // an operation missing here gets DefaultLevel
	// Approvers are the accounts (e-mail addresses or account ids) whose
	// approval, recorded in Confluence, grants an allowed_with_confirmation
	// change; empty means confirmation codes are granted through the
	// provider's confirmations (the weaker mode). See approvals.go.
	Approvers []string
	// RequiredApprovals is how many distinct approvers must approve a code;
	// 0 means 1. Only meaningful with Approvers.
	RequiredApprovals int
	ManagedBy         string // account id of the admin that wrote the record
	UpdatedAt         time.Time
	SchemaVersion     int // see ConnectionRecord.SchemaVersion
}

// Level is the level the policy sets for op, or DefaultLevel(op) when it sets
// none.
func (p PolicyRecord) Level(op Operation) Level {
	if l, ok := p.Levels[op]; ok && l != "" {
		return l
	}
	return DefaultLevel(op)
}

// Validate reports the first problem that makes p unusable as a record.
func (p PolicyRecord) Validate() error {
	if err := ValidateConnectionName(p.Connection); err != nil {
		return fmt.Errorf("policy names an invalid connection: %w", err)
	}
	for _, op := range sortedOperations(p.Levels) {
		if !op.Valid() {
			return fmt.Errorf("policy of connection %q sets a level for unknown operation %q", p.Connection, op)
		}
		if l := p.Levels[op]; l != "" && !l.Valid() {
			_, err := ParseLevel(string(l))
			return fmt.Errorf("policy of connection %q, operation %s: %w", p.Connection, op, err)
		}
	}
	return ValidateApprovers(p.Approvers, p.RequiredApprovals)
}

// Required is the number of approvals a gated change needs under p: 0 when p
// names no approvers (confirmation codes are granted by the apply's
// confirmations instead), otherwise RequiredApprovals, at least 1.
func (p PolicyRecord) Required() int {
	if len(p.Approvers) == 0 {
		return 0
	}
	return max(p.RequiredApprovals, 1)
}

// ValidateApprovers checks an approver list and the number of approvals
// required: non-empty entries, no duplicates (e-mail addresses compared
// without case), and 1 ≤ required ≤ len(approvers) when approvers are named.
func ValidateApprovers(approvers []string, required int) error {
	if len(approvers) > MaxApprovers {
		return fmt.Errorf("%d approvers are named: name at most %d", len(approvers), MaxApprovers)
	}
	seen := map[string]bool{}
	for _, a := range approvers {
		if strings.TrimSpace(a) == "" || strings.TrimSpace(a) != a {
			return fmt.Errorf("approver %q is empty or has surrounding spaces: name an e-mail address or an Atlassian account id", a)
		}
		k := strings.ToLower(a)
		if seen[k] {
			return fmt.Errorf("approver %q is named twice", a)
		}
		seen[k] = true
	}
	switch {
	case required < 0:
		return fmt.Errorf("required_approvals is %d: it must be at least 1", required)
	case len(approvers) == 0 && required > 1:
		return fmt.Errorf("required_approvals is %d but no approvers are named: name at least %d approvers", required, required)
	case required > len(approvers) && len(approvers) > 0:
		return fmt.Errorf("required_approvals is %d but only %d approvers are named: no gated change could ever be approved", required, len(approvers))
	}
	return nil
}

func sortedOperations(levels map[Operation]Level) []Operation {
	ops := make([]Operation, 0, len(levels))
	for op := range levels {
		ops = append(ops, op)
	}
	slices.Sort(ops)
	return ops
}

// connectionJSON and policyJSON are the stored formats. Field names are part
// of the contract with records already written to Confluence: never rename.
type connectionJSON struct {
	SchemaVersion int        `json:"schema_version"`
	Name          string     `json:"name"`
	AccountID     string     `json:"account_id"`
	Email         string     `json:"email"`
	DisplayName   string     `json:"display_name"`
	Spaces        []string   `json:"spaces"`
	RotatedAt     time.Time  `json:"rotated_at,omitzero"`
	ExpiresAt     *time.Time `json:"expires_at"`
	ManagedBy     string     `json:"managed_by"`
	// Added later: optional, so records of older providers still read and
	// older providers ignore them.
	AuthMode string `json:"auth_mode,omitempty"`
	ClientID string `json:"client_id,omitempty"`
}

type policyJSON struct {
	SchemaVersion     int               `json:"schema_version"`
	Connection        string            `json:"connection"`
	Levels            map[string]string `json:"levels"`
	Approvers         []string          `json:"approvers,omitempty"`
	RequiredApprovals int               `json:"required_approvals,omitempty"`
	ManagedBy         string            `json:"managed_by"`
	UpdatedAt         time.Time         `json:"updated_at,omitzero"`
}

// EncodeConnection validates r and returns the JSON value stored under
// ConnectionPropertyKey(r.Name): schema_version 1, scope sorted and
// deduplicated, times in UTC.
func EncodeConnection(r ConnectionRecord) ([]byte, error) {
	if err := r.Validate(); err != nil {
		return nil, fmt.Errorf("encoding connection record: %w", err)
	}
	w := connectionJSON{
		SchemaVersion: SchemaVersion,
		Name:          r.Name,
		AccountID:     r.AccountID,
		Email:         r.Email,
		DisplayName:   r.DisplayName,
		Spaces:        normalizeSpaces(r.Spaces),
		RotatedAt:     r.RotatedAt.UTC(),
		ManagedBy:     r.ManagedBy,
		AuthMode:      r.AuthMode,
		ClientID:      r.ClientID,
	}
	if r.ExpiresAt != nil {
		t := r.ExpiresAt.UTC()
		w.ExpiresAt = &t
	}
	return json.Marshal(w)
}

// EncodePolicy validates p and returns the JSON value stored under
// PolicyPropertyKey(p.Connection). Levels are written as given; operations
// without a level keep getting DefaultLevel when read back.
func EncodePolicy(p PolicyRecord) ([]byte, error) {
	if err := p.Validate(); err != nil {
		return nil, fmt.Errorf("encoding policy record: %w", err)
	}
	w := policyJSON{
		SchemaVersion: SchemaVersion,
		Connection:    p.Connection,
		Levels:        make(map[string]string, len(p.Levels)),
		ManagedBy:     p.ManagedBy,
		UpdatedAt:     p.UpdatedAt.UTC(),
	}
	for op, l := range p.Levels {
		if l != "" {
			w.Levels[string(op)] = string(l)
		}
	}
	if len(p.Approvers) > 0 {
		w.SchemaVersion = PolicySchemaVersionApprovals
		w.Approvers = append([]string(nil), p.Approvers...)
		w.RequiredApprovals = p.Required()
	}
	return json.Marshal(w)
}

// DecodeConnection parses the connection record stored under key. Unknown
// fields are ignored (a newer provider may add some); the name in the record
// must match the key, so a record cannot be stored under another
// connection's key. Errors name the property key.
func DecodeConnection(key string, raw []byte) (ConnectionRecord, error) {
	name, ok := strings.CutPrefix(key, ConnectionPropertyPrefix)
	if !ok {
		return ConnectionRecord{}, fmt.Errorf("space property %q is not a connection record: its key does not start with %q", key, ConnectionPropertyPrefix)
	}
	var w connectionJSON
	if err := json.Unmarshal(raw, &w); err != nil {
		return ConnectionRecord{}, decodeError(key, "connection", fmt.Errorf("invalid JSON: %w", err))
	}
	if err := checkSchemaVersion(w.SchemaVersion, SchemaVersion); err != nil {
		return ConnectionRecord{}, decodeError(key, "connection", err)
	}
	if w.Name != name {
		return ConnectionRecord{}, decodeError(key, "connection", fmt.Errorf("the record names connection %q, but the key names %q", w.Name, name))
	}
	r := ConnectionRecord{
		Name:          w.Name,
		AccountID:     w.AccountID,
		Email:         w.Email,
		DisplayName:   w.DisplayName,
		Spaces:        normalizeSpaces(w.Spaces),
		RotatedAt:     w.RotatedAt,
		ExpiresAt:     w.ExpiresAt,
		ManagedBy:     w.ManagedBy,
		AuthMode:      w.AuthMode,
		ClientID:      w.ClientID,
		SchemaVersion: w.SchemaVersion,
	}
	if err := r.Validate(); err != nil {
		return ConnectionRecord{}, decodeError(key, "connection", err)
	}
	return r, nil
}

// DecodePolicy parses the operation policy stored under key. Unknown fields
// and levels for operations this provider does not know are ignored (a newer
// provider may add some); an unknown level for a known operation is an error,
// because guessing it could loosen the policy. Errors name the property key.
func DecodePolicy(key string, raw []byte) (PolicyRecord, error) {
	name, ok := strings.CutPrefix(key, PolicyPropertyPrefix)
	if !ok {
		return PolicyRecord{}, fmt.Errorf("space property %q is not an operation policy: its key does not start with %q", key, PolicyPropertyPrefix)
	}
	var w policyJSON
	if err := json.Unmarshal(raw, &w); err != nil {
		return PolicyRecord{}, decodeError(key, "policy", fmt.Errorf("invalid JSON: %w", err))
	}
	if err := checkSchemaVersion(w.SchemaVersion, PolicySchemaVersionApprovals); err != nil {
		return PolicyRecord{}, decodeError(key, "policy", err)
	}
	if w.Connection != name {
		return PolicyRecord{}, decodeError(key, "policy", fmt.Errorf("the record names connection %q, but the key names %q", w.Connection, name))
	}
	p := PolicyRecord{
		Connection:    w.Connection,
		Levels:        make(map[Operation]Level, len(w.Levels)),
		ManagedBy:     w.ManagedBy,
		UpdatedAt:     w.UpdatedAt,
		SchemaVersion: w.SchemaVersion,
	}
	if w.SchemaVersion >= PolicySchemaVersionApprovals {
		p.Approvers, p.RequiredApprovals = w.Approvers, w.RequiredApprovals
	} else if len(w.Approvers) > 0 {
		// Approvers in a version 1 record were not written by this provider;
		// reading them as approvals could loosen nothing, but silently
		// dropping them would, so the record is refused.
		return PolicyRecord{}, decodeError(key, "policy", errors.New("a schema_version 1 record names approvers: re-apply the administrators' workspace to rewrite it"))
	}
	for name, level := range w.Levels {
		op := Operation(name)
		if !op.Valid() {
			continue
		}
		l, err := ParseLevel(level)
		if err != nil {
			return PolicyRecord{}, decodeError(key, "policy", fmt.Errorf("operation %s: %w", op, err))
		}
		p.Levels[op] = l
	}
	if err := p.Validate(); err != nil {
		return PolicyRecord{}, decodeError(key, "policy", err)
	}
	return p, nil
}

func decodeError(key, kind string, err error) error {
	return fmt.Errorf("space property %q holds an invalid %s record: %w", key, kind, err)
}

func checkSchemaVersion(v, newest int) error {
	switch {
	case v == 0:
		return errors.New("schema_version is missing: the record was not written by this provider; re-apply the admin workspace to rewrite it")
	case v > newest:
		return fmt.Errorf("schema_version %d is newer than this provider understands (%d): upgrade the provider", v, newest)
	case v < 0:
		return fmt.Errorf("schema_version %d is invalid", v)
	}
	return nil
}

// normalizeSpaces returns the scope sorted, without duplicates, never nil.
func normalizeSpaces(spaces []string) []string {
	out := make([]string, 0, len(spaces))
	out = append(out, spaces...)
	sort.Strings(out)
	return slices.Compact(out)
}

// SpaceRecords are the connection and policy records found in one space's
// properties, each list sorted by connection name.
type SpaceRecords struct {
	SpaceKey    string
	Connections []ConnectionRecord
	Policies    []PolicyRecord
}

// Connection returns the connection record named name, if the space has one.
func (s SpaceRecords) Connection(name string) (ConnectionRecord, bool) {
	for _, c := range s.Connections {
		if c.Name == name {
			return c, true
		}
	}
	return ConnectionRecord{}, false
}

// Policy returns the policy record of the connection named name, if the space
// has one.
func (s SpaceRecords) Policy(name string) (PolicyRecord, bool) {
	for _, p := range s.Policies {
		if p.Connection == name {
			return p, true
		}
	}
	return PolicyRecord{}, false
}

// RecordsFromProperties decodes the records among a space's properties
// (property key → JSON value). Keys without one of the two prefixes are
// ignored. Every undecodable record is reported, not only the first: the
// provider must not enforce a space's policy while part of it is unreadable.
func RecordsFromProperties(spaceKey string, props map[string][]byte) (SpaceRecords, error) {
	recs := SpaceRecords{SpaceKey: spaceKey}
	keys := make([]string, 0, len(props))
	for k := range props {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var errs []error
	for _, k := range keys {
		switch {
		case strings.HasPrefix(k, ConnectionPropertyPrefix):
			c, err := DecodeConnection(k, props[k])
			if err != nil {
				errs = append(errs, err)
				continue
			}
			recs.Connections = append(recs.Connections, c)
		case strings.HasPrefix(k, PolicyPropertyPrefix):
			p, err := DecodePolicy(k, props[k])
			if err != nil {
				errs = append(errs, err)
				continue
			}
			recs.Policies = append(recs.Policies, p)
		}
	}
	if len(errs) > 0 {
		return SpaceRecords{}, fmt.Errorf("reading the policy records of space %s: %w", spaceKey, errors.Join(errs...))
	}
	return recs, nil
}
