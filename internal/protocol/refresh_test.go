// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package protocol

import (
	"context"
	"errors"
	"math/big"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

var pageType = tftypes.Object{AttributeTypes: map[string]tftypes.Type{
	"id":      tftypes.String,
	"version": tftypes.Number,
	"labels":  tftypes.Set{ElementType: tftypes.String},
	"parents": tftypes.List{ElementType: tftypes.String},
	"meta":    tftypes.Map{ElementType: tftypes.Number},
	"pair":    tftypes.Tuple{ElementTypes: []tftypes.Type{tftypes.String, tftypes.Bool}},
	"nested":  tftypes.Object{AttributeTypes: map[string]tftypes.Type{"ok": tftypes.Bool}},
	"body":    tftypes.String,
}}

func page(attrs map[string]tftypes.Value) tftypes.Value {
	vals := map[string]tftypes.Value{}
	for name, t := range pageType.AttributeTypes {
		vals[name] = tftypes.NewValue(t, nil)
		if v, ok := attrs[name]; ok {
			vals[name] = v
		}
	}
	return tftypes.NewValue(pageType, vals)
}

// TestValueJSON: what ValueJSON writes decodes (as Terraform decodes a state
// file) to the same value, for every kind of value a resource state holds.
func TestValueJSON(t *testing.T) {
	str := func(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }
	for _, tc := range []struct {
		name string
		in   tftypes.Value
		want string
	}{
		{"all null", page(nil), `{"body":null,"id":null,"labels":null,"meta":null,"nested":null,"pair":null,"parents":null,"version":null}`},
		{"page", page(map[string]tftypes.Value{
			"id":      str("65541"),
			"version": tftypes.NewValue(tftypes.Number, big.NewFloat(7)),
			"labels":  tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, []tftypes.Value{str("b"), str("a")}),
			"parents": tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, []tftypes.Value{}),
			"meta":    tftypes.NewValue(tftypes.Map{ElementType: tftypes.Number}, map[string]tftypes.Value{"z": tftypes.NewValue(tftypes.Number, big.NewFloat(0.5)), "a": tftypes.NewValue(tftypes.Number, nil)}),
			"pair":    tftypes.NewValue(tftypes.Tuple{ElementTypes: []tftypes.Type{tftypes.String, tftypes.Bool}}, []tftypes.Value{str("x"), tftypes.NewValue(tftypes.Bool, true)}),
			"nested":  tftypes.NewValue(tftypes.Object{AttributeTypes: map[string]tftypes.Type{"ok": tftypes.Bool}}, map[string]tftypes.Value{"ok": tftypes.NewValue(tftypes.Bool, false)}),
			"body":    str("<p>\"quoted\" & ünïcode\n</p>"),
		}), ""},
		{"big and negative numbers", page(map[string]tftypes.Value{
			"meta": tftypes.NewValue(tftypes.Map{ElementType: tftypes.Number}, map[string]tftypes.Value{
				"big": tftypes.NewValue(tftypes.Number, new(big.Float).SetPrec(512).SetInt64(1<<62).Mul(big.NewFloat(1<<62).SetPrec(512), big.NewFloat(1<<62))),
				"neg": tftypes.NewValue(tftypes.Number, big.NewFloat(-12.25)),
			}),
		}), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			raw, err := ValueJSON(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if tc.want != "" && string(raw) != tc.want {
				t.Errorf("ValueJSON = %s, want %s", raw, tc.want)
			}
			back, err := (&tfprotov6.DynamicValue{JSON: raw}).Unmarshal(pageType)
			if err != nil {
				t.Fatalf("%s does not decode: %v", raw, err)
			}
			if !back.Equal(tc.in) {
				t.Errorf("round trip changed the value:\n in: %s\nout: %s\njson: %s", tc.in, back, raw)
			}
		})
	}
}

func TestValueJSONRefusesUnknown(t *testing.T) {
	v := page(map[string]tftypes.Value{"id": tftypes.NewValue(tftypes.String, tftypes.UnknownValue)})
	if _, err := ValueJSON(v); !errors.Is(err, errNotEncodable) {
		t.Errorf("err = %v, want errNotEncodable", err)
	}
}

// fakeServer answers ReadResource with a fixed state in MessagePack, as the
// framework does.
type fakeServer struct {
	tfprotov6.ProviderServer
	schemas map[string]*tfprotov6.Schema
	state   tftypes.Value
}

func (f *fakeServer) GetProviderSchema(context.Context, *tfprotov6.GetProviderSchemaRequest) (*tfprotov6.GetProviderSchemaResponse, error) {
	return &tfprotov6.GetProviderSchemaResponse{ResourceSchemas: f.schemas}, nil
}

func (f *fakeServer) ReadResource(context.Context, *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	dv, err := tfprotov6.NewDynamicValue(f.state.Type(), f.state)
	return &tfprotov6.ReadResourceResponse{NewState: &dv}, err
}

func schemaOf(attrs map[string]tftypes.Type) *tfprotov6.Schema {
	block := &tfprotov6.SchemaBlock{}
	for name, t := range attrs {
		block.Attributes = append(block.Attributes, &tfprotov6.SchemaAttribute{Name: name, Type: t, Optional: true})
	}
	return &tfprotov6.Schema{Block: block}
}

// TestStableRefresh: the new state of a refresh leaves as JSON that decodes to
// the provider's value; a schema with a dynamic attribute is left alone.
func TestStableRefresh(t *testing.T) {
	ctx := context.Background()
	simple := map[string]tftypes.Type{"id": tftypes.String, "version": tftypes.Number}
	dynamic := map[string]tftypes.Type{"id": tftypes.String, "value": tftypes.DynamicPseudoType}
	state := tftypes.NewValue(tftypes.Object{AttributeTypes: simple}, map[string]tftypes.Value{
		"id": tftypes.NewValue(tftypes.String, "65541"), "version": tftypes.NewValue(tftypes.Number, big.NewFloat(1)),
	})
	inner := &fakeServer{schemas: map[string]*tfprotov6.Schema{"confluence_page": schemaOf(simple), "x_dynamic": schemaOf(dynamic)}, state: state}
	server := StableRefresh(func() tfprotov6.ProviderServer { return inner })()

	resp, err := server.ReadResource(ctx, &tfprotov6.ReadResourceRequest{TypeName: "confluence_page"})
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.NewState.MsgPack) != 0 || string(resp.NewState.JSON) != `{"id":"65541","version":1}` {
		t.Fatalf("new state = msgpack %d bytes, JSON %s; want JSON only", len(resp.NewState.MsgPack), resp.NewState.JSON)
	}
	got, err := resp.NewState.Unmarshal(state.Type())
	if err != nil || !got.Equal(state) {
		t.Errorf("decoded %v, %v; want %v", got, err, state)
	}

	// A dynamic attribute's JSON form needs its type: pass through.
	inner.state = tftypes.NewValue(tftypes.Object{AttributeTypes: dynamic}, map[string]tftypes.Value{
		"id": tftypes.NewValue(tftypes.String, "1"), "value": tftypes.NewValue(tftypes.String, "x"),
	})
	resp, err = server.ReadResource(ctx, &tfprotov6.ReadResourceRequest{TypeName: "x_dynamic"})
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.NewState.MsgPack) == 0 || len(resp.NewState.JSON) != 0 {
		t.Errorf("a dynamic schema's state was re-encoded: JSON %s", resp.NewState.JSON)
	}
}
