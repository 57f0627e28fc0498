// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package report

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/docs-as-code/terraform-provider-confluence/internal/confluence"
	"github.com/docs-as-code/terraform-provider-confluence/internal/policy"
)

// ApproveOptions is one `confluence-plan-report approve` invocation.
type ApproveOptions struct {
	SpaceKey string
	Codes    []string
	Reason   string
	Expires  string // duration ("24h", "3d") or RFC 3339; "" = policy.DefaultApprovalLifetime
	Now      time.Time
}

// Approved is one approval written, as Confluence recorded it.
type Approved struct {
	Code        string         `json:"code"`
	PropertyKey string         `json:"property_key"`
	Approver    policy.Account `json:"approver"`
	ExpiresAt   time.Time      `json:"expires_at"`
}

// Approve records the approval of each code by the account client
// authenticates as, as space properties of the space (policy.ApprovalPropertyKey).
// Input is checked before any request; then the account is checked against
// the space's records (policy.CheckApprover) before anything is written.
func Approve(ctx context.Context, client *confluence.Client, opts ApproveOptions) ([]Approved, error) {
	if opts.SpaceKey == "" {
		return nil, errors.New("--space is required: the key of the space the change is in")
	}
	if len(opts.Codes) == 0 {
		return nil, errors.New("no confirmation code given: pass the codes from the plan (or --plan with the plan JSON)")
	}
	for _, c := range opts.Codes {
		if err := policy.ValidateCode(c); err != nil {
			return nil, err
		}
	}
	if err := policy.ValidateApprovalReason(opts.Reason); err != nil {
		return nil, fmt.Errorf("--reason: %w", err)
	}
	expires, err := policy.ParseApprovalExpiry(opts.Expires, opts.Now)
	if err != nil {
		return nil, fmt.Errorf("--expires: %w", err)
	}

	user, err := client.CurrentUser(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading the account these credentials belong to: %w", err)
	}
	me := policy.Account{AccountID: user.AccountID, Email: user.Email, DisplayName: user.DisplayName}
	space, err := client.GetSpaceByKey(ctx, opts.SpaceKey)
	if err != nil {
		return nil, fmt.Errorf("reading space %s: %w", opts.SpaceKey, err)
	}
	props, err := client.ListSpaceProperties(ctx, space.ID, "")
	if err != nil {
		return nil, fmt.Errorf("reading the policy records of space %s: %w", opts.SpaceKey, err)
	}
	raw := make(map[string][]byte, len(props))
	for _, p := range props {
		raw[p.Key] = p.Value
	}
	records, err := policy.RecordsFromProperties(opts.SpaceKey, raw)
	if err != nil {
		return nil, err
	}
	for _, c := range opts.Codes {
		if err := policy.CheckApprover(me, records, c); err != nil {
			return nil, fmt.Errorf("approval of %s refused, nothing was written: %w", c, err)
		}
	}

	var out []Approved
	for _, c := range opts.Codes {
		value, err := policy.EncodeApproval(policy.ApprovalValue{Code: c, Reason: opts.Reason, ExpiresAt: expires,
			ApproverAccountID: me.AccountID, ApproverEmail: me.Email, ApprovedAt: opts.Now})
		if err != nil {
			return out, err
		}
		key := policy.ApprovalPropertyKey(c, me.AccountID)
		p, err := client.PutSpaceProperty(ctx, space.ID, key, json.RawMessage(value))
		if err != nil {
			return out, fmt.Errorf("writing the approval of %s as space property %q in space %s (writing space properties needs space admin): %w", c, key, opts.SpaceKey, err)
		}
		if p.AuthorID != "" && p.AuthorID != me.AccountID {
			return out, fmt.Errorf("the approval of %s was recorded by Confluence as written by %s, not by %s", c, p.AuthorID, me.AccountID)
		}
		out = append(out, Approved{Code: c, PropertyKey: key, Approver: me, ExpiresAt: expires})
	}
	return out, nil
}
