// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/docs-as-code/terraform-provider-confluence/internal/policy"
	"github.com/docs-as-code/terraform-provider-confluence/internal/storage"
)

// pageChange is what one plan or apply of a confluence_page does, computed
// once from the planned values, the prior state and the rendered content.
// ModifyPlan, Create, Update, Delete and the policy all read it, so each rule
// lives in one function here and is tested without Terraform
// (page_change_test.go).
type pageChange struct {
	kind     contentKind      // page (the zero value) or blog post
	op       policy.Operation // create_page, update_page or delete_page
	pageID   string           // "" for a create
	spaceKey string
	title    string
	parentID string
	content  pageContent
	labels   labelChange
	// baseVersion is the version the change starts from (0 for a create).
	baseVersion int64
	// message is the configured version message.
	message string
	// known: everything the change writes is known (content, title, parent
	// and every label). Until then neither its confirmation code nor, for an
	// update, whether it writes at all can be planned: the apply-time
	// re-plan would contradict a guess.
	known bool
	// writesPage: a new page version is saved (title, parent or content
	// differ, or the state holds a person's edit that the configuration
	// replaces). Labels, version_message and switching between equivalent
	// forms of the content alone do not.
	writesPage bool
}

// labelChange is how the managed labels move from the state to the plan.
type labelChange struct {
	managed bool     // labels is set in the configuration
	known   bool     // the set and each element are known
	want    []string // planned labels, sorted
	add     []string // sorted
	remove  []string // sorted
}

// newPageChange is the create (state nil) or update that turns state into
// plan with content.
func newPageChange(plan pageModel, state *pageModel, content pageContent) pageChange {
	c := pageChange{
		op:       policy.CreatePage,
		spaceKey: plan.SpaceKey.ValueString(),
		title:    plan.Title.ValueString(),
		parentID: plan.ParentID.ValueString(),
		content:  content,
		message:  plan.VersionMessage.ValueString(),
	}
	var current types.Set
	if state != nil {
		current = state.Labels
	}
	c.labels = planLabels(plan.Labels, current)
	c.known = content.known && !plan.ParentID.IsUnknown() && !plan.Title.IsUnknown() && !plan.VersionMessage.IsUnknown() && c.labels.known
	if state == nil {
		c.writesPage = true
		return c
	}
	c.op = policy.UpdatePage
	c.pageID = state.ID.ValueString()
	c.baseVersion = state.Version.ValueInt64()
	c.writesPage = c.known && (c.title != state.Title.ValueString() ||
		c.parentID != state.ParentID.ValueString() ||
		content.hash != heldContentHash(plan, *state, content))
	return c
}

// newDeleteChange is the deletion of the page in state.
func newDeleteChange(state pageModel) pageChange {
	return pageChange{
		op:          policy.DeletePage,
		pageID:      state.ID.ValueString(),
		spaceKey:    state.SpaceKey.ValueString(),
		title:       state.Title.ValueString(),
		parentID:    state.ParentID.ValueString(),
		baseVersion: state.Version.ValueInt64(),
		content:     pageContent{known: true},
		labels:      labelChange{known: true},
		known:       true,
	}
}

// of is the change made to content of kind k.
func (c pageChange) of(k contentKind) pageChange {
	c.kind = k
	return c
}

// writesLabels reports whether labels are added or removed.
func (c pageChange) writesLabels() bool { return len(c.labels.add) > 0 || len(c.labels.remove) > 0 }

// reachesConfluence reports whether anything is sent, and so whether the
// policy governs the change. An update not fully known yet may write.
func (c pageChange) reachesConfluence() bool {
	return c.op != policy.UpdatePage || !c.known || c.writesPage || c.writesLabels()
}

// policyRequest is the question the change asks the policy.
func (c pageChange) policyRequest() policy.Request {
	return policy.Request{
		Operation: c.op,
		SpaceKey:  c.spaceKey,
		PageID:    c.pageID,
		PageTitle: c.title,
		Noun:      c.kind.policyNoun(),
		Content:   c.boundContent(),
	}
}

// boundContent is the canonical description of everything the change
// writes, which its confirmation code is bound to: the version it starts
// from (so a code approved before a person's edit cannot overwrite it, and an
// old code read from page history does not replay) and the version message
// (so the history says what the approver saw).
func (c pageChange) boundContent() string {
	return c.kind.bind(c.pageBoundContent())
}

func (c pageChange) pageBoundContent() string {
	if c.op == policy.DeletePage {
		return fmt.Sprintf("base=%d", c.baseVersion)
	}
	if !c.known {
		return "unknown"
	}
	labels := "unmanaged"
	if c.labels.managed {
		labels = strings.Join(c.labels.want, ",")
	}
	return fmt.Sprintf("base=%d\ntitle=%s\nparent=%s\nbody=%s\nlabels=%s\nmessage=%s", c.baseVersion, c.title, c.parentID, c.content.hash, labels, c.message)
}

// planComputed plans the computed attributes that follow from the change:
// version, modification time and author, url, and the policy values when
// nothing reaches Confluence. state is nil for a create.
func (c pageChange) planComputed(plan pageModel, state *pageModel) pageModel {
	if state == nil {
		plan.BodyHash = c.content.hashValue()
		plan.Version = types.Int64Value(1)
		return plan
	}
	plan.BodyHash = c.bodyHashAfter(plan, *state)
	plan.Version, plan.LastModifiedAt, plan.LastModifiedBy, plan.URL = state.Version, state.LastModifiedAt, state.LastModifiedBy, state.URL
	if !plan.Title.Equal(state.Title) {
		plan.URL = types.StringUnknown() // Confluence puts the title in the page URL
	}
	switch {
	case !c.known:
		plan.Version, plan.LastModifiedAt, plan.LastModifiedBy = types.Int64Unknown(), types.StringUnknown(), types.StringUnknown()
		plan.PolicyDecision, plan.ConfirmationCode = types.StringUnknown(), types.StringUnknown()
	case c.writesPage:
		plan.Version = types.Int64Value(c.baseVersion + 1)
		plan.LastModifiedAt, plan.LastModifiedBy = types.StringUnknown(), types.StringUnknown()
	}
	if !c.reachesConfluence() {
		// Nothing is sent, so nothing is governed: the last decision stands.
		plan.PolicyDecision, plan.ConfirmationCode = state.PolicyDecision, state.ConfirmationCode
	}
	return plan
}

// planDecision plans policy_decision and confirmation_code from the policy's
// decision. While the change is not fully known the code cannot be final: a
// create still shows its decision, an update shows neither (whether it
// writes at all is not known yet).
func (c pageChange) planDecision(plan pageModel, res policy.Result) pageModel {
	switch {
	case c.known:
		plan.PolicyDecision = types.StringValue(string(res.Decision))
		plan.ConfirmationCode = types.StringValue(res.ConfirmationCode)
	case c.op == policy.CreatePage:
		plan.PolicyDecision, plan.ConfirmationCode = types.StringValue(string(res.Decision)), types.StringUnknown()
	}
	return plan
}

// heldContentHash is the hash of the content the state says Confluence
// holds: the hash Terraform last wrote, or, when a refresh brought a person's
// edit into the state's body, the canonical hash of that body. A
// configuration that says what the person wrote (in any equivalent form)
// then writes nothing. The configured body equal to the state's is the
// common case and needs no canonicalisation; a body that does not parse
// gives "", which every content differs from.
func heldContentHash(plan, state pageModel, content pageContent) string {
	if state.Body.IsNull() {
		return state.BodyHash.ValueString()
	}
	if content.known && !plan.Body.IsNull() && plan.Body.ValueString() == state.Body.ValueString() {
		// The state's body is the configured text, whose hash is content's.
		return content.hash
	}
	canonical, err := storage.CanonicalOf(state.Body.ValueString())
	if err != nil {
		return ""
	}
	return canonical.Hash()
}

// bodyHashAfter is the body_hash an update leaves: the hash of what it
// writes, or, when it writes no page version, the state's. Without a write
// body_hash keeps the content Terraform last wrote: a person's edit that the
// configuration now repeats stays theirs (the state's body and version say
// what Confluence holds), and no later plan takes it for Terraform's. When
// the planned body is not the state's (Markdown, or the configured text
// replaces the person's), the state no longer holds their text, and
// body_hash follows the content, which is then what Confluence holds.
func (c pageChange) bodyHashAfter(plan, state pageModel) types.String {
	if c.known && !c.writesPage && plan.Body.Equal(state.Body) {
		return state.BodyHash
	}
	return c.content.hashValue()
}

// keepEquivalentForm keeps the prior text when the configuration changed only
// its form: storage that canonicalises the same, or Markdown that renders the
// same. Terraform accepts the prior value for such an attribute, so the plan
// is empty instead of showing a change that would write nothing.
func keepEquivalentForm(plan, config, state pageModel, content pageContent) pageModel {
	if !content.known {
		return plan
	}
	switch {
	case !config.Body.IsNull() && !state.Body.IsNull() && state.Markdown.IsNull():
		if config.Body.ValueString() == state.Body.ValueString() {
			return plan
		}
		if prior, err := storage.CanonicalOf(state.Body.ValueString()); err == nil && prior == content.canonical {
			plan.Body = state.Body
		}
	case !config.Markdown.IsNull() && !state.Markdown.IsNull() && state.Body.IsNull():
		if content.hash == state.BodyHash.ValueString() {
			plan.Markdown = state.Markdown
		}
	}
	return plan
}

// planLabels is the smallest set of additions and removals from the labels
// in state (read back from Confluence) to the planned ones. Null planned
// labels are not managed.
func planLabels(planned, current types.Set) labelChange {
	want, known := setValues(planned)
	lc := labelChange{managed: !planned.IsNull(), known: known, want: want}
	if !lc.managed || !known {
		return lc
	}
	have, _ := setValues(current)
	for _, l := range want {
		if !slices.Contains(have, l) {
			lc.add = append(lc.add, l)
		}
	}
	for _, l := range have {
		if !slices.Contains(want, l) {
			lc.remove = append(lc.remove, l)
		}
	}
	return lc
}

// setValues returns the strings of a set, sorted, and whether the set and
// each of its elements are known. A null set has no values and is known.
func setValues(s types.Set) ([]string, bool) {
	if s.IsUnknown() {
		return nil, false
	}
	var out []string
	for _, e := range s.Elements() {
		v, ok := e.(types.String)
		if !ok || v.IsUnknown() {
			return nil, false
		}
		if !v.IsNull() {
			out = append(out, v.ValueString())
		}
	}
	sort.Strings(out)
	return out, true
}

// versionMessage is what page history shows for a write by Terraform: the
// configured message, the change reference and the decision. The audit
// export reads the provider's parts back from the end (internal/report), so
// no value in them may hold the separator, and the author's message may not
// read as the "ref" part that follows it when no reference is set.
func versionMessage(message, changeReference string, res policy.Result) string {
	var parts []string
	if m := authorPart(message); m != "" {
		parts = append(parts, m)
	}
	if changeReference != "" {
		parts = append(parts, "ref "+changeReference)
	}
	policyPart := "policy " + string(res.Decision)
	if res.ConfirmationCode != "" {
		policyPart += " (" + res.ConfirmationCode + ")"
	}
	if res.Connection != "" {
		policyPart += " as " + res.Connection
	}
	parts = append(parts, policyPart)
	if note := approvalNote(res); note != "" {
		parts = append(parts, note) // "approved by Alice <account id> at …"
	}
	for i, p := range parts {
		parts[i] = strings.ReplaceAll(p, "|", versionMessageEscape)
	}
	return strings.Join(parts, " | ") + versionMessageSuffix
}

// authorPart is the configured message as page history shows it. The schema
// refuses "|" (Terraform validates again at apply a value known only then);
// versionMessage still escapes it in every part, which also covers the
// change reference and approvers' names. A leading "ref " becomes "ref: ":
// only the provider writes the change reference.
func authorPart(message string) string {
	m := strings.TrimSpace(message)
	if rest, ok := strings.CutPrefix(m, "ref "); ok {
		m = "ref: " + rest
	}
	return m
}

// versionMessageEscape stands for a "|" in a value written into a version
// message, where "|" separates the parts.
const versionMessageEscape = "¦"

// versionMessageSuffix ends every version message this provider writes.
const versionMessageSuffix = " | via Terraform"

// auditPropertyKey is the page property every write by the provider sets, so
// the change trail survives outside Terraform state.
const auditPropertyKey = "terraform.change"

// auditRecord is the value of the terraform.change page property.
type auditRecord struct {
	Operation        string `json:"operation"`
	Version          int    `json:"version"`
	BodyHash         string `json:"body_hash"`
	Decision         string `json:"policy_decision"`
	ConfirmationCode string `json:"confirmation_code,omitempty"`
	ApprovedBy       string `json:"approved_by,omitempty"`
	Connection       string `json:"connection,omitempty"`
	AccountID        string `json:"account_id"`
	ChangeReference  string `json:"change_reference,omitempty"`
	VersionMessage   string `json:"version_message,omitempty"`
	At               string `json:"at"`
	// AdoptedAfterLostAnswer marks the record of an apply that lost its
	// create's answer and took the page holding its title as its own. Only
	// the apply that got the answer knows for certain it wrote the page; if
	// that was another apply, it finds this mark and says so.
	AdoptedAfterLostAnswer bool `json:"adopted_after_lost_answer,omitempty"`
	// Created is the record of the page's version 1, carried by every later
	// record: Confluence's create takes no version message, so once the
	// record moves on nothing else says how the create was decided.
	Created *auditRecord `json:"created,omitempty"`
}

// auditRecordFor is the record of the change saved as version by accountID.
func (c pageChange) auditRecordFor(version int, accountID string, res policy.Result, changeReference, message string, at time.Time) auditRecord {
	return auditRecord{
		Operation:        string(c.op),
		Version:          version,
		BodyHash:         c.content.hash,
		Decision:         string(res.Decision),
		ConfirmationCode: res.ConfirmationCode,
		ApprovedBy:       approvalNote(res),
		Connection:       res.Connection,
		AccountID:        accountID,
		ChangeReference:  changeReference,
		VersionMessage:   message,
		At:               at.UTC().Format(time.RFC3339),
	}
}
