// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

// Package protocol adapts the framework's protocol 6 server where Terraform
// itself needs it. It knows nothing about Confluence.
package protocol

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"sync"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// StableRefresh wraps a provider server so that ReadResource answers with the
// new state as JSON instead of MessagePack.
//
// Why: Terraform 1.11 decides whether a refresh-only plan is "applyable" (and
// so whether `terraform plan -refresh-only -detailed-exitcode` exits 2) with
// reflect.DeepEqual over the in-memory state objects, cached decoded values
// included (states.ManagedResourcesEqual). The previous run's state is decoded
// from the state file's JSON, where a number such as a page's version becomes
// a 512-bit big.Float; a MessagePack integer from the provider decodes as a
// 64-bit one. Equal numbers with different precision make every refresh of an
// unchanged resource with a number attribute look like a change, while the
// state written to disk is byte for byte the same. JSON is a documented
// encoding of DynamicValue that Terraform decodes exactly as it decodes the
// state file, so an unchanged resource compares equal.
//
// Only ReadResource's new state is re-encoded, and only when the schema has
// no dynamic attributes (their JSON form carries the type) and the value is
// fully known; anything else passes through untouched.
func StableRefresh(factory func() tfprotov6.ProviderServer) func() tfprotov6.ProviderServer {
	return func() tfprotov6.ProviderServer {
		return &stableRefreshServer{ProviderServer: factory()}
	}
}

type stableRefreshServer struct {
	tfprotov6.ProviderServer

	once  sync.Once
	types map[string]tftypes.Type // resource type name → state type; nil entry: leave alone
}

func (s *stableRefreshServer) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	resp, err := s.ProviderServer.ReadResource(ctx, req)
	if err != nil || resp == nil || resp.NewState == nil || len(resp.NewState.MsgPack) == 0 {
		return resp, err
	}
	if typ := s.stateType(ctx, req.TypeName); typ != nil {
		if encoded, ok := asJSON(resp.NewState, typ); ok {
			resp.NewState = encoded
		}
	}
	return resp, nil
}

// asJSON re-encodes a MessagePack state as JSON; ok is false when it cannot
// (the original then goes to Terraform unchanged).
func asJSON(state *tfprotov6.DynamicValue, typ tftypes.Type) (*tfprotov6.DynamicValue, bool) {
	value, err := state.Unmarshal(typ)
	if err != nil {
		return nil, false
	}
	encoded, err := ValueJSON(value)
	if err != nil {
		return nil, false
	}
	return &tfprotov6.DynamicValue{JSON: encoded}, true
}

// stateType returns the state type of a resource type, or nil when its state
// must not be re-encoded (unknown type, dynamic attributes).
func (s *stableRefreshServer) stateType(ctx context.Context, typeName string) tftypes.Type {
	s.once.Do(func() {
		s.types = map[string]tftypes.Type{}
		schemas, err := s.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
		if err != nil || schemas == nil {
			return
		}
		for name, schema := range schemas.ResourceSchemas {
			if schema == nil {
				continue
			}
			if t := schema.ValueType(); !hasDynamic(t) {
				s.types[name] = t
			}
		}
	})
	return s.types[typeName]
}

// hasDynamic reports whether a type is or contains DynamicPseudoType.
func hasDynamic(t tftypes.Type) bool {
	switch t := t.(type) {
	case tftypes.List:
		return hasDynamic(t.ElementType)
	case tftypes.Set:
		return hasDynamic(t.ElementType)
	case tftypes.Map:
		return hasDynamic(t.ElementType)
	case tftypes.Tuple:
		return slices.ContainsFunc(t.ElementTypes, hasDynamic)
	case tftypes.Object:
		for _, at := range t.AttributeTypes {
			if hasDynamic(at) {
				return true
			}
		}
		return false
	default:
		return t.Is(tftypes.DynamicPseudoType)
	}
}

// errNotEncodable is returned for values JSON cannot carry here.
var errNotEncodable = errors.New("value is not encodable as JSON state")

// ValueJSON encodes a fully known value of a type without dynamic parts as
// the JSON Terraform reads for that type (what it writes in a state file:
// numbers in decimal, objects with every attribute, null as null).
func ValueJSON(v tftypes.Value) ([]byte, error) {
	var buf bytes.Buffer
	if err := appendJSON(&buf, v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func appendJSON(buf *bytes.Buffer, v tftypes.Value) error {
	if !v.IsKnown() {
		return fmt.Errorf("%w: unknown value", errNotEncodable)
	}
	if v.IsNull() {
		buf.WriteString("null")
		return nil
	}
	typ := v.Type()
	switch {
	case typ.Is(tftypes.String):
		var s string
		if err := v.As(&s); err != nil {
			return err
		}
		raw, err := json.Marshal(s)
		if err != nil {
			return err
		}
		buf.Write(raw)
	case typ.Is(tftypes.Number):
		var n big.Float
		if err := v.As(&n); err != nil {
			return err
		}
		if n.IsInf() {
			return fmt.Errorf("%w: infinite number", errNotEncodable)
		}
		buf.WriteString(n.Text('f', -1))
	case typ.Is(tftypes.Bool):
		var b bool
		if err := v.As(&b); err != nil {
			return err
		}
		fmt.Fprint(buf, b)
	case typ.Is(tftypes.List{}), typ.Is(tftypes.Set{}), typ.Is(tftypes.Tuple{}):
		var elems []tftypes.Value
		if err := v.As(&elems); err != nil {
			return err
		}
		buf.WriteByte('[')
		for i, e := range elems {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := appendJSON(buf, e); err != nil {
				return err
			}
		}
		buf.WriteByte(']')
	case typ.Is(tftypes.Map{}), typ.Is(tftypes.Object{}):
		var attrs map[string]tftypes.Value
		if err := v.As(&attrs); err != nil {
			return err
		}
		keys := make([]string, 0, len(attrs))
		for k := range attrs {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		buf.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				buf.WriteByte(',')
			}
			raw, err := json.Marshal(k)
			if err != nil {
				return err
			}
			buf.Write(raw)
			buf.WriteByte(':')
			if err := appendJSON(buf, attrs[k]); err != nil {
				return err
			}
		}
		buf.WriteByte('}')
	default:
		return fmt.Errorf("%w: type %s", errNotEncodable, typ)
	}
	return nil
}
