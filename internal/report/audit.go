// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package report

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/docs-as-code/terraform-provider-confluence/internal/confluence"
	"github.com/docs-as-code/terraform-provider-confluence/internal/policy"
)

// AuditSchemaVersion names the JSON document of the audit export.
const AuditSchemaVersion = "confluence-audit/v1"

// auditPropertyKey is the page property every write by the provider sets
// (internal/provider/page_resource_plan.go).
const auditPropertyKey = "terraform.change"

// ChangeRecord is the value of the terraform.change page property.
type ChangeRecord struct {
	Operation        string `json:"operation"`
	Version          int    `json:"version"`
	BodyHash         string `json:"body_hash"`
	Decision         string `json:"policy_decision"`
	ConfirmationCode string `json:"confirmation_code,omitempty"`
	Connection       string `json:"connection,omitempty"`
	AccountID        string `json:"account_id"`
	ChangeReference  string `json:"change_reference,omitempty"`
	VersionMessage   string `json:"version_message,omitempty"`
	ApprovedBy       string `json:"approved_by,omitempty"` // the writer's claim, checked against approval records
	At               string `json:"at"`
	// Created is the record of the page's version 1, which every later
	// record carries: Confluence's create takes no version message, so once
	// the record moves on, nothing else says how the create was decided.
	Created *ChangeRecord `json:"created,omitempty"`
}

// recordOf is the change record of version n, nil when rec holds none.
func (rec *ChangeRecord) recordOf(n int) *ChangeRecord {
	switch {
	case rec == nil:
		return nil
	case rec.Version == n:
		return rec
	case n == 1 && rec.Created != nil && rec.Created.Version == 1:
		return rec.Created
	}
	return nil
}

// Entry types: the content an entry is a change of.
const (
	EntryPage       = "page"
	EntryBlogPost   = "blogpost"
	EntryAttachment = "attachment"
)

// AuditEntry is one change in the export: a version of a page or blog post
// (every version the automation wrote since the start date, and every
// version flagged), or an attachment change recorded in terraform.attachments.
type AuditEntry struct {
	Time     time.Time `json:"time"`
	Type     string    `json:"type"` // EntryPage, EntryBlogPost or EntryAttachment
	SpaceKey string    `json:"space_key"`
	// PageID is the page's or blog post's id, for an attachment the id of the
	// page it is attached to: the name stays for readers of v1.
	PageID          string   `json:"page_id"`
	Title           string   `json:"title"`
	Version         int      `json:"version"`
	Operation       string   `json:"operation"`
	Decision        string   `json:"decision"`
	Code            string   `json:"confirmation_code"`
	Approvers       []string `json:"approvers"` // "Name <account id> at time", from approval records Confluence vouches for
	Connection      string   `json:"connection"`
	AccountID       string   `json:"account_id"`
	Account         string   `json:"account"`
	ChangeReference string   `json:"change_reference"`
	VersionMessage  string   `json:"version_message"`
	Flags           []string `json:"flags"`
	// An attachment change's file; Version is then the attachment's version.
	FileName     string `json:"file_name,omitempty"`
	AttachmentID string `json:"attachment_id,omitempty"`
	SHA256       string `json:"sha256,omitempty"`
}

// AuditReport is the audit export.
type AuditReport struct {
	Schema      string    `json:"schema"`
	SpaceKey    string    `json:"space_key"`
	Since       time.Time `json:"since"`
	GeneratedAt time.Time `json:"generated_at"`
	PagesRead   int       `json:"pages_read"`      // pages modified since the start date
	PostsRead   int       `json:"blog_posts_read"` // blog posts modified since the start date
	// Entries are the versions of pages and blog posts (type page or
	// blogpost), Attachments the attachment changes: apart, so that a v1
	// reader that takes every entry as a content version stays right.
	Entries     []AuditEntry `json:"entries"`
	Attachments []AuditEntry `json:"attachments"`
	Flagged     int          `json:"flagged"` // entries and attachments with flags
}

// AuditPage is what the export knows about one page or blog post.
type AuditPage struct {
	Kind                confluence.ContentKind // KindPage (zero value) or KindBlogPost
	SpaceKey, ID, Title string
	Versions            []confluence.PageVersion // any order
	Change              *ChangeRecord            // nil: the page carries no terraform.change
	// Attachments is the terraform.attachments property: the last change
	// of each file, by file name; AttachmentsAuthor the account Confluence
	// records as the property's last writer.
	Attachments       map[string]AttachmentRecord
	AttachmentsAuthor string
	// Trashed is content in the trash; Newest is its last version as the
	// listing shows it (the trash itself is no version).
	Trashed bool
	Newest  confluence.PageVersion
}

// AuditContext is what the export knows about the space.
type AuditContext struct {
	Records   policy.SpaceRecords
	Approvals []policy.StoredApproval // every approval record of the space
	Accounts  map[string]policy.Account
	Since     time.Time
}

var policyPart = regexp.MustCompile(`^policy (\S+)(?: \((\S+)\))?(?: as (.+))?$`)

// versionMessageSeparator separates the parts of a Terraform version message
// (internal/provider/page_change.go, versionMessage).
const versionMessageSeparator = " | "

// versionMessageEscape is what the provider writes for a "|" in a value of
// a version message part.
const versionMessageEscape = "¦"

// versionMessage is what a Terraform version message says
// ("msg | ref X | policy D (CODE) as CONN | approved by … | via Terraform").
type versionMessage struct {
	terraform                   bool
	decision, code, connection  string
	changeReference, approvedBy string
	author                      string // the configured version_message, never read as parts
}

// parseVersionMessage reads the parts the provider writes, from the end and
// in the provider's order: "via Terraform", an optional "approved by …", the
// policy part, an optional "ref …". What precedes them is the author's
// version_message and is never read as a part, wherever it says "approved
// by" or "ref": the provider refuses the separator in it at plan and escapes
// it (and a leading "ref ") at apply. A message whose parts are not in that
// order yields no decision, which the export flags.
func parseVersionMessage(m string) versionMessage {
	parts := strings.Split(m, versionMessageSeparator)
	var v versionMessage
	i := len(parts) - 1
	if strings.TrimSpace(parts[i]) != "via Terraform" {
		return v
	}
	v.terraform = true
	i--
	approvedBy := ""
	if i >= 0 && strings.HasPrefix(strings.TrimSpace(parts[i]), "approved by ") {
		approvedBy = strings.TrimSpace(parts[i])
		i--
	}
	if i < 0 {
		return v
	}
	pm := policyPart.FindStringSubmatch(strings.TrimSpace(parts[i]))
	if pm == nil {
		return v
	}
	v.decision, v.code, v.connection, v.approvedBy = pm[1], pm[2], pm[3], approvedBy
	i--
	if i >= 0 && strings.HasPrefix(strings.TrimSpace(parts[i]), "ref ") {
		v.changeReference = strings.TrimPrefix(strings.TrimSpace(parts[i]), "ref ")
		i--
	}
	v.author = strings.Join(parts[:i+1], versionMessageSeparator)
	return v
}

// AuditPageEntries is the pure core of the export: the entries of one page.
// A version is an entry when the automation (an account of a connection
// record of the space) wrote it on or after ctx.Since, or when it is flagged:
//   - written by the automation without a Terraform version message (other
//     than a create, which the v2 API records without one) or, for the
//     newest, without a matching terraform.change;
//   - a decision the policy does not allow (denied, a gated decision without
//     a code, unmanaged while a connection governs the account, or a level
//     that the current policy sets differently);
//   - a person's edit overwritten: the previous version is by someone else.
func AuditPageEntries(page AuditPage, ctx AuditContext) []AuditEntry {
	automation := map[string]policy.ConnectionRecord{}
	for _, c := range ctx.Records.Connections {
		automation[c.AccountID] = c
	}
	versions := append([]confluence.PageVersion(nil), page.Versions...)
	sort.Slice(versions, func(i, j int) bool { return versions[i].Number < versions[j].Number })
	newestByAutomation := 0
	for _, v := range versions {
		if _, ok := automation[v.AuthorID]; ok {
			newestByAutomation = v.Number
		}
	}
	// In the trash, a missing terraform.change may only be hidden.
	changeUnseen := page.Trashed && page.Change == nil
	var entries []AuditEntry
	for i, v := range versions {
		if v.CreatedAt.Before(ctx.Since) {
			continue
		}
		conn, byAutomation := automation[v.AuthorID]
		msg := parseVersionMessage(v.Message)
		if !byAutomation && !msg.terraform {
			continue // a person's edit: not a change Terraform made
		}
		e := AuditEntry{Time: v.CreatedAt.UTC(), Type: page.Kind.CQLType(), SpaceKey: page.SpaceKey, PageID: page.ID, Title: page.Title, Version: v.Number,
			AccountID: v.AuthorID, Account: ctx.Accounts[v.AuthorID].Name(), VersionMessage: v.Message,
			Decision: msg.decision, Code: msg.code, Connection: msg.connection, ChangeReference: msg.changeReference,
			Approvers: []string{}, Flags: []string{}}
		if e.Account == "" {
			e.Account = v.AuthorID
		}
		e.Operation = "update_page"
		if v.Number == 1 {
			e.Operation = "create_page"
		}
		rec := page.Change.recordOf(v.Number)
		if rec != nil {
			e.Operation = rec.Operation
			if e.Decision == "" {
				e.Decision, e.Code, e.Connection = rec.Decision, rec.ConfirmationCode, rec.Connection
			}
			if e.ChangeReference == "" {
				e.ChangeReference = rec.ChangeReference
			}
			if rec.Decision != e.Decision || rec.ConfirmationCode != e.Code {
				e.Flags = append(e.Flags, fmt.Sprintf("terraform.change records decision %s (%s) but the version message says %s (%s)", rec.Decision, orNone(rec.ConfirmationCode), e.Decision, orNone(e.Code)))
			}
			if msg.terraform && rec.ChangeReference != "" && strings.ReplaceAll(rec.ChangeReference, "|", versionMessageEscape) != msg.changeReference {
				e.Flags = append(e.Flags, fmt.Sprintf("terraform.change records change reference %q but the version message says %q", rec.ChangeReference, msg.changeReference))
			}
		}
		if e.Connection == "" && byAutomation {
			e.Connection = conn.Name
		}
		decisionFlagged := true // a flag of the switch already says why the decision is unknown
		switch {
		case !msg.terraform && v.Number == 1 && changeUnseen:
			e.Flags = append(e.Flags, fmt.Sprintf("decision not recorded: Confluence keeps no version message for a create, and shows no terraform.change of a %s in the trash", page.Kind))
		case !msg.terraform && v.Number == 1 && page.Change == nil:
			e.Flags = append(e.Flags, fmt.Sprintf("created by the automation account, and the %s carries no terraform.change", page.Kind))
		case !msg.terraform && v.Number == 1 && rec == nil:
			// The v2 create takes no version message: only terraform.change
			// can say how the create was decided, and this one records
			// version N without the create (the page was created before the
			// provider kept it, or imported).
			e.Flags = append(e.Flags, fmt.Sprintf("decision not recorded: Confluence keeps no version message for a create, and terraform.change records version %d without the create's decision", page.Change.Version))
		case !msg.terraform && v.Number > 1:
			e.Flags = append(e.Flags, fmt.Sprintf("written by the automation account %s without a Terraform version message", e.Account))
		default:
			decisionFlagged = false
		}
		if msg.terraform && v.Number == newestByAutomation && !changeUnseen && (page.Change == nil || page.Change.Version != v.Number) {
			e.Flags = append(e.Flags, fmt.Sprintf("the newest version by the automation has no matching terraform.change (it records version %s)", recordedVersion(page.Change)))
		}
		if e.Decision == "" && !decisionFlagged {
			e.Flags = append(e.Flags, "decision not recorded: neither the version message nor terraform.change says how this version was decided")
		}
		if msg.terraform && !byAutomation {
			e.Flags = append(e.Flags, fmt.Sprintf("a Terraform version message written by %s, which no connection record of space %s names", e.Account, page.SpaceKey))
		}
		e.Flags = append(e.Flags, decisionFlags(e, policy.Operation(e.Operation), conn, byAutomation, ctx)...)
		// Approvers come only from approval records, whose authors
		// Confluence records: a version message or a change record is
		// written by the automation account, with the author's text in it,
		// so its "approved by" is a claim, checked here and never shown as
		// an approver.
		if e.Code != "" {
			e.Approvers = approversOf(e.Code, ctx, v.AuthorID)
		}
		claimed := msg.approvedBy
		if claimed == "" && rec != nil {
			claimed = rec.ApprovedBy
		}
		if claimed != "" && len(e.Approvers) == 0 {
			e.Flags = append(e.Flags, fmt.Sprintf("approval claimed without record: the change says %q, but Confluence holds no approval record of code %s by an account other than the writer", claimed, orNone(e.Code)))
		}
		if i > 0 {
			prev := versions[i-1]
			if _, prevAutomation := automation[prev.AuthorID]; !prevAutomation && prev.Number == v.Number-1 {
				name := ctx.Accounts[prev.AuthorID].Name()
				if name == "" {
					name = prev.AuthorID
				}
				e.Flags = append(e.Flags, fmt.Sprintf("overwrote the edit by %s (version %d, %s); it stays in the page history", name, prev.Number, prev.CreatedAt.UTC().Format(time.RFC3339)))
			}
		}
		entries = append(entries, e)
	}
	if trashed, ok := trashedEntry(page, automation, len(entries) > 0); ok {
		entries = append(entries, trashed)
	}
	return entries
}

// trashedEntry is the row of content in the trash that the automation wrote
// (wrote is whether it has entries): the trail holds that it is there, not
// when or by whom it was moved there, nor under which decision (a delete
// writes no version and the provider records none). So the row says only
// that, at the time of the last version, after which the trash happened.
func trashedEntry(page AuditPage, automation map[string]policy.ConnectionRecord, wrote bool) (AuditEntry, bool) {
	_, lastByAutomation := automation[page.Newest.AuthorID]
	if !page.Trashed || !wrote && !lastByAutomation && page.Change == nil {
		return AuditEntry{}, false
	}
	return AuditEntry{Time: page.Newest.CreatedAt.UTC(), Type: page.Kind.CQLType(), SpaceKey: page.SpaceKey, PageID: page.ID, Title: page.Title,
		Version: page.Newest.Number, Operation: "trashed", Approvers: []string{}, Flags: []string{fmt.Sprintf(
			"in the trash since some time after version %d (%s): Confluence's history records neither when nor by whom it was moved there, and no policy decision of the delete is recorded in Confluence; match it with the delete_page plan reports and CI logs",
			page.Newest.Number, page.Newest.CreatedAt.UTC().Format(time.RFC3339))}}, true
}

// attachmentsPropertyKey is the page property the provider writes with every
// attachment change (internal/provider/attachment_resource_plan.go).
const attachmentsPropertyKey = "terraform.attachments"

// AttachmentRecord is one file's entry in the terraform.attachments
// property: the file's last change only, since each change replaces it.
type AttachmentRecord struct {
	Operation        string `json:"operation"` // create, update or delete
	AttachmentID     string `json:"attachment_id"`
	Version          int    `json:"version"`
	SHA256           string `json:"sha256"`
	Size             int64  `json:"size"`
	Decision         string `json:"policy_decision"`
	ConfirmationCode string `json:"confirmation_code,omitempty"`
	Connection       string `json:"connection,omitempty"`
	AccountID        string `json:"account_id,omitempty"`
	ChangeReference  string `json:"change_reference,omitempty"`
	At               string `json:"at"`
}

// attachmentOperations names the recorded operations as the export shows them.
var attachmentOperations = map[string]string{"create": "upload", "update": "update", "delete": "remove"}

// AuditAttachmentEntries is the pure core of the export for attachments:
// one entry per file of page.Attachments changed on or after ctx.Since (or
// at a time the record does not say). The record is all the trail holds of
// an attachment change (an upload creates no page version and carries no
// decision), so it is checked against what Confluence vouches for: the
// property's last writer and the approval records. Attachments are governed
// by their page's update_page.
func AuditAttachmentEntries(page AuditPage, ctx AuditContext) []AuditEntry {
	automation := map[string]policy.ConnectionRecord{}
	for _, c := range ctx.Records.Connections {
		automation[c.AccountID] = c
	}
	var entries []AuditEntry
	for name, rec := range page.Attachments {
		e := AuditEntry{Type: EntryAttachment, SpaceKey: page.SpaceKey, PageID: page.ID, Title: page.Title, Version: rec.Version,
			Operation: attachmentOperations[rec.Operation], Decision: rec.Decision, Code: rec.ConfirmationCode, Connection: rec.Connection,
			AccountID: rec.AccountID, Account: ctx.Accounts[rec.AccountID].Name(), ChangeReference: rec.ChangeReference,
			FileName: name, AttachmentID: rec.AttachmentID, SHA256: rec.SHA256, Approvers: []string{}, Flags: []string{}}
		at, err := time.Parse(time.RFC3339, rec.At)
		switch {
		case err != nil:
			e.Flags = append(e.Flags, fmt.Sprintf("terraform.attachments records no valid time for this change (%q)", rec.At))
		case at.Before(ctx.Since):
			continue
		default:
			e.Time = at.UTC()
		}
		if e.Account == "" {
			e.Account = rec.AccountID
		}
		if e.Operation == "" {
			e.Operation = rec.Operation
			e.Flags = append(e.Flags, fmt.Sprintf("terraform.attachments records an unknown operation %q", rec.Operation))
		}
		conn, byAutomation := automation[rec.AccountID]
		if e.Connection == "" && byAutomation {
			e.Connection = conn.Name
		}
		if !byAutomation {
			e.Flags = append(e.Flags, fmt.Sprintf("terraform.attachments records account %s, which no connection record of space %s names", orUnknown(e.Account), page.SpaceKey))
		}
		if _, ok := automation[page.AttachmentsAuthor]; !ok {
			author := ctx.Accounts[page.AttachmentsAuthor].Name()
			if author == "" {
				author = orUnknown(page.AttachmentsAuthor)
			}
			e.Flags = append(e.Flags, fmt.Sprintf("terraform.attachments was last written by %s, which no connection record of space %s names: the record may have been edited", author, page.SpaceKey))
		}
		if e.Decision == "" {
			e.Flags = append(e.Flags, "decision not recorded: terraform.attachments records no policy decision for this change")
		}
		e.Flags = append(e.Flags, decisionFlags(e, policy.UpdatePage, conn, byAutomation, ctx)...)
		if e.Code != "" {
			// The record's account is written by the automation, so it is
			// a claim: no account that may have written the change (the
			// recorded one, the property's last writer, any automation
			// account) counts as its approver.
			writers := []string{rec.AccountID, page.AttachmentsAuthor}
			for id := range automation {
				writers = append(writers, id)
			}
			e.Approvers = approversOf(e.Code, ctx, writers...)
		}
		entries = append(entries, e)
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].FileName < entries[j].FileName })
	return entries
}

func orUnknown(accountID string) string {
	if accountID == "" {
		return "(none recorded)"
	}
	return accountID
}

func recordedVersion(rec *ChangeRecord) string {
	if rec == nil {
		return "nothing: the property is missing"
	}
	return strconv.Itoa(rec.Version)
}

func orNone(s string) string {
	if s == "" {
		return "no code"
	}
	return s
}

// decisionFlags checks a recorded decision against the space's current
// records. The records may have changed since; the flag says so.
func decisionFlags(e AuditEntry, op policy.Operation, conn policy.ConnectionRecord, byAutomation bool, ctx AuditContext) []string {
	var flags []string
	switch e.Decision {
	case "denied":
		flags = append(flags, "recorded as denied, yet written")
	case "allowed_with_confirmation":
		if e.Code == "" {
			flags = append(flags, "gated change recorded without a confirmation code")
		}
	case "unmanaged":
		if byAutomation {
			flags = append(flags, fmt.Sprintf("recorded as unmanaged, but connection %q governs account %s in space %s", conn.Name, conn.AccountID, e.SpaceKey))
		}
	case "":
		return flags
	}
	if !byAutomation || !op.Valid() {
		return flags
	}
	level := policy.DefaultLevel(op)
	if p, ok := ctx.Records.Policy(conn.Name); ok {
		level = p.Level(op)
	}
	want := map[policy.Level]string{policy.Allowed: "allowed", policy.AllowedWithConfirmation: "allowed_with_confirmation", policy.Denied: "denied"}[level]
	if e.Decision != want && e.Decision != "unmanaged" && e.Decision != "denied" {
		flags = append(flags, fmt.Sprintf("recorded as %s, but the current policy of connection %q sets %s to %s (check whether the policy changed since)", e.Decision, conn.Name, op, level))
	}
	return flags
}

// approversOf names the accounts whose approval records of code Confluence
// holds, other than the accounts that wrote the change.
func approversOf(code string, ctx AuditContext, writers ...string) []string {
	prefix := policy.ApprovalPropertyPrefix + code + "."
	var out []string
	for _, a := range ctx.Approvals {
		if !strings.HasPrefix(a.Key, prefix) || a.AuthorID == "" || slices.Contains(writers, a.AuthorID) {
			continue
		}
		acct := ctx.Accounts[a.AuthorID]
		if acct.AccountID == "" {
			acct.AccountID = a.AuthorID
		}
		out = append(out, fmt.Sprintf("%s at %s", acct.Name(), a.WrittenAt.UTC().Format(time.RFC3339)))
	}
	sort.Strings(out)
	return out
}

// AuditOptions is one `confluence-plan-report audit` invocation.
type AuditOptions struct {
	SpaceKey string
	Since    time.Time
	Now      time.Time
}

// Audit reads the trail of a space: the space's records and approvals (one
// listing), its pages and blog posts, current and in the trash (one request
// per 250 of each kind), and for each modified since the start date its
// properties (one request: terraform.change and terraform.attachments) and,
// when it carries terraform.change or the automation wrote it last, its
// versions (one request per 250 versions), plus one lookup per distinct
// author. So the cost is 2 + ⌈P/250⌉ + ⌈B/250⌉ + 2·M + A requests for P pages
// and B blog posts, M of them modified since the date, and A authors: a blog
// post costs what a page costs.
func Audit(ctx context.Context, client *confluence.Client, opts AuditOptions) (AuditReport, error) {
	rep := AuditReport{Schema: AuditSchemaVersion, SpaceKey: opts.SpaceKey, Since: opts.Since.UTC(), GeneratedAt: opts.Now.UTC(), Entries: []AuditEntry{}}
	space, err := client.GetSpaceByKey(ctx, opts.SpaceKey)
	if err != nil {
		return rep, fmt.Errorf("reading space %s: %w", opts.SpaceKey, err)
	}
	props, err := client.ListSpaceProperties(ctx, space.ID, "")
	if err != nil {
		return rep, fmt.Errorf("reading the properties of space %s: %w", opts.SpaceKey, err)
	}
	raw := map[string][]byte{}
	actx := AuditContext{Accounts: map[string]policy.Account{}, Since: opts.Since}
	for _, p := range props {
		raw[p.Key] = p.Value
		if strings.HasPrefix(p.Key, policy.ApprovalPropertyPrefix) {
			actx.Approvals = append(actx.Approvals, policy.StoredApproval{Key: p.Key, Value: p.Value, AuthorID: p.AuthorID, WrittenAt: p.UpdatedAt})
		}
	}
	if actx.Records, err = policy.RecordsFromProperties(opts.SpaceKey, raw); err != nil {
		return rep, err
	}
	automation := map[string]bool{}
	for _, c := range actx.Records.Connections {
		automation[c.AccountID] = true
	}
	var audited []AuditPage
	for _, kind := range []confluence.ContentKind{confluence.KindPage, confluence.KindBlogPost} {
		read, err := auditContent(ctx, client, kind, space.ID, opts, automation)
		if err != nil {
			return rep, err
		}
		if kind == confluence.KindBlogPost {
			rep.PostsRead = len(read)
		} else {
			rep.PagesRead = len(read)
		}
		audited = append(audited, read...)
	}
	// One lookup per distinct author names people and approvers.
	ids := map[string]bool{}
	for _, ap := range audited {
		for _, v := range ap.Versions {
			ids[v.AuthorID] = true
		}
		for _, rec := range ap.Attachments {
			ids[rec.AccountID] = true
		}
		ids[ap.AttachmentsAuthor] = true
	}
	for _, a := range actx.Approvals {
		ids[a.AuthorID] = true
	}
	for id := range ids {
		if id == "" {
			continue
		}
		acct := policy.Account{AccountID: id}
		if u, err := client.GetUser(ctx, id); err == nil {
			acct.Email, acct.DisplayName = u.Email, u.DisplayName
		}
		actx.Accounts[id] = acct
	}
	rep.Attachments = []AuditEntry{}
	for _, ap := range audited {
		rep.Entries = append(rep.Entries, AuditPageEntries(ap, actx)...)
		rep.Attachments = append(rep.Attachments, AuditAttachmentEntries(ap, actx)...)
	}
	sortEntries(rep.Entries)
	sortEntries(rep.Attachments)
	for _, e := range rep.rows() {
		if len(e.Flags) > 0 {
			rep.Flagged++
		}
	}
	return rep, nil
}

// auditContent reads the content of one kind modified since the start date:
// its terraform.change and terraform.attachments (one listing of the
// content's properties) and, when it carries terraform.change or the
// automation wrote it last, its versions.
func auditContent(ctx context.Context, client *confluence.Client, kind confluence.ContentKind, spaceID string, opts AuditOptions, automation map[string]bool) ([]AuditPage, error) {
	// Trashed content in the same listing: its history stays readable until
	// it is purged, and a purge leaves nothing to list.
	listed, err := client.ListPages(ctx, confluence.ListPagesOptions{Kind: kind, SpaceIDs: []string{spaceID}, Statuses: []string{"current", "trashed"}})
	if err != nil {
		return nil, fmt.Errorf("listing the %ss of space %s: %w", kind, opts.SpaceKey, err)
	}
	var audited []AuditPage
	for _, p := range listed {
		if p.Version.CreatedAt.Before(opts.Since) {
			continue
		}
		ap := AuditPage{Kind: kind, SpaceKey: opts.SpaceKey, ID: p.ID, Title: p.Title, Trashed: p.Status == "trashed", Newest: p.Version}
		props, err := client.ListContentProperties(ctx, kind, p.ID, "")
		// Content in the trash may show no properties (the emulator answers
		// 404, as for any request on it but a read): then it has no records.
		if err != nil && !hiddenInTrash(ap, err) {
			return nil, fmt.Errorf("reading the properties of %s %s: %w", kind, p.ID, err)
		}
		for _, prop := range props {
			switch prop.Key {
			case auditPropertyKey:
				var rec ChangeRecord
				if json.Unmarshal(prop.Value, &rec) == nil {
					ap.Change = &rec
				}
			case attachmentsPropertyKey:
				// Unreadable JSON leaves the map empty; nothing is invented.
				_ = json.Unmarshal(prop.Value, &ap.Attachments)
				ap.AttachmentsAuthor = prop.AuthorID
			}
		}
		if ap.Change != nil || automation[p.Version.AuthorID] {
			if ap.Versions, err = client.ListContentVersions(ctx, kind, p.ID, 0); err != nil && !hiddenInTrash(ap, err) {
				return nil, fmt.Errorf("reading the versions of %s %s: %w", kind, p.ID, err)
			}
		}
		audited = append(audited, ap)
	}
	return audited, nil
}

// hiddenInTrash reports whether err is Confluence not showing a part of
// content in the trash, which the export reads as holding nothing.
func hiddenInTrash(ap AuditPage, err error) bool {
	return ap.Trashed && confluence.IsNotFound(err)
}

// sortEntries orders entries by time, then content id, then file name.
func sortEntries(entries []AuditEntry) {
	sort.SliceStable(entries, func(i, j int) bool {
		a, b := entries[i], entries[j]
		if !a.Time.Equal(b.Time) {
			return a.Time.Before(b.Time)
		}
		if a.PageID != b.PageID {
			return a.PageID < b.PageID
		}
		return a.FileName < b.FileName
	})
}

// rows are the entries and the attachment changes in one list, by time: the
// rows of the CSV and Markdown formats.
func (rep AuditReport) rows() []AuditEntry {
	all := append(append([]AuditEntry(nil), rep.Entries...), rep.Attachments...)
	sortEntries(all)
	return all
}

// auditColumns are the CSV header. Columns added later stand at the end, so
// that a reader that takes columns by position reads the first ones as before.
var auditColumns = []string{"time", "space", "page_id", "title", "version", "operation", "decision", "confirmation_code", "approvers", "connection", "account_id", "account", "change_reference", "flags",
	"type", "file_name", "attachment_id", "sha256"}

func (e AuditEntry) row() []string {
	return []string{formatTime(e.Time), e.SpaceKey, e.PageID, e.Title, strconv.Itoa(e.Version), e.Operation, e.Decision, e.Code,
		strings.Join(e.Approvers, "; "), e.Connection, e.AccountID, e.Account, e.ChangeReference, strings.Join(e.Flags, "; "),
		e.Type, e.FileName, e.AttachmentID, e.SHA256}
}

// formatTime is a row's time; an attachment change whose record holds no
// valid time has none (and a flag that says so).
func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339)
}

// subject names what an entry changed, for the Markdown format.
func (e AuditEntry) subject() string {
	noun := map[string]string{EntryBlogPost: "blog post", EntryAttachment: "attachment"}[e.Type]
	if noun == "" {
		noun = "page"
	}
	if e.Type == EntryAttachment {
		return fmt.Sprintf("attachment %q (%s) on %q (%s)", e.FileName, orNone(e.AttachmentID), e.Title, e.PageID)
	}
	return fmt.Sprintf("%s %s %q", noun, e.PageID, e.Title)
}

// WriteAuditCSV writes one row per entry under a header row.
func WriteAuditCSV(w io.Writer, rep AuditReport) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(auditColumns); err != nil {
		return err
	}
	for _, e := range rep.rows() {
		if err := cw.Write(e.row()); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteAuditJSON writes the export as indented JSON.
func WriteAuditJSON(w io.Writer, rep AuditReport) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(rep)
}

// WriteAuditMarkdown writes the export as a Markdown table with the flagged
// versions listed first.
func WriteAuditMarkdown(w io.Writer, rep AuditReport) error {
	var b strings.Builder
	fmt.Fprintf(&b, "## Terraform changes in space %s since %s\n\n", rep.SpaceKey, rep.Since.Format("2006-01-02"))
	rows := rep.rows()
	fmt.Fprintf(&b, "%d change(s) on %d page(s) and %d blog post(s) modified since then, %d of them attachment change(s); **%d flagged**. Generated %s (%s).\n\n",
		len(rows), rep.PagesRead, rep.PostsRead, len(rep.Attachments), rep.Flagged, rep.GeneratedAt.Format(time.RFC3339), rep.Schema)
	if rep.Flagged > 0 {
		b.WriteString("### Flagged\n\n")
		for _, e := range rows {
			if len(e.Flags) > 0 {
				fmt.Fprintf(&b, "- %s version %d (%s): %s\n", cell(e.subject()), e.Version, formatTime(e.Time), cell(strings.Join(e.Flags, "; ")))
			}
		}
		b.WriteString("\n")
	}
	b.WriteString("| Time | Type | Page | File (sha256) | Version | Operation | Decision | Code | Approvers | Connection | Account | Change reference | Flags |\n")
	b.WriteString("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n")
	for _, e := range rows {
		file := ""
		if e.Type == EntryAttachment {
			file = fmt.Sprintf("%s (%s)", cell(e.FileName), e.SHA256)
		}
		fmt.Fprintf(&b, "| %s | %s | %s (%s) | %s | %d | %s | %s | %s | %s | %s | %s | %s | %s |\n", formatTime(e.Time), e.Type, cell(e.Title), e.PageID, file, e.Version,
			e.Operation, e.Decision, e.Code, cell(strings.Join(e.Approvers, "; ")), cell(e.Connection), cell(e.Account), cell(e.ChangeReference), cell(strings.Join(e.Flags, "; ")))
	}
	_, err := io.WriteString(w, b.String())
	return err
}
