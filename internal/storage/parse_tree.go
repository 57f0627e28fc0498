// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package storage

import "strings"

// tree is a parsed body in a compact form: nodes in document order, each
// element followed by its subtree, strings as spans of the body. A 5 MB page
// has a quarter of a million nodes; pointers, slice headers and string
// headers per node would cost several times the body (issue 16).
type tree struct {
	body string
	// text holds the strings that are not substrings of body: character
	// data with references decoded or line ends normalised, runs merged
	// from several tokens, renamed elements. Spans into it stay valid as it
	// grows because written bytes are never changed.
	text   strings.Builder
	chunks [][]treeNode // nodes by id, chunkSize per chunk
	count  uint32
	attrs  []attrSpan // attributes of each element, contiguous per element

	renamed map[string]span // element names normalisation wrote, once each
}

// span is a string of a tree: offsets below len(body) are in the body, the
// others in the tree's text. Bodies are far below 4 GiB.
type span struct{ off, len uint32 }

// treeNode is one element or run of character data.
type treeNode struct {
	str   span   // element: qualified name, e.g. "ac:parameter"; text: decoded character data
	end   uint32 // id just past the node's subtree
	attr  uint32 // index in tree.attrs of the first attribute
	nattr uint32
	kind  nodeKind
	flags nodeFlags
}

type nodeFlags uint8

const (
	// dropped nodes were removed by normalisation.
	dropped nodeFlags = 1 << iota
	// runningText is set by normalisation: see holdsRunningText.
	runningText
	// collapsed text is written with every whitespace run as one space.
	collapsed
)

type attrSpan struct{ name, value span }

const (
	rootID = 0
	noNode = ^uint32(0)

	chunkBits = 12
	chunkSize = 1 << chunkBits
)

func newTree(body string) *tree {
	t := &tree{body: body}
	// An attribute needs an "=", so its count bounds theirs; the cap keeps
	// a body of "=" signs from reserving more than its own size.
	t.attrs = make([]attrSpan, 0, min(strings.Count(body, "="), len(body)/16))
	return t
}

// add appends n (its end set to just past itself) and returns its id.
func (t *tree) add(n treeNode) uint32 {
	id := t.count
	n.end = id + 1
	last := len(t.chunks) - 1
	if last < 0 || len(t.chunks[last]) == chunkSize {
		// The first chunk starts small so that a short body does not pay
		// for a whole one; it grows by append up to chunkSize.
		size := chunkSize
		if last < 0 {
			size = min(chunkSize, len(t.body)/32+8)
		}
		t.chunks = append(t.chunks, make([]treeNode, 0, size))
		last++
	}
	t.chunks[last] = append(t.chunks[last], n)
	t.count++
	return id
}

// at returns the node id. The pointer is valid until the next add.
func (t *tree) at(id uint32) *treeNode {
	return &t.chunks[id>>chunkBits][id&(chunkSize-1)]
}

func (t *tree) str(s span) string {
	if int(s.off) < len(t.body) {
		return t.body[s.off : s.off+s.len]
	}
	from := int(s.off) - len(t.body)
	return t.text.String()[from : from+int(s.len)]
}

func (t *tree) name(id uint32) string { return t.str(t.at(id).str) }

func (t *tree) attributes(id uint32) []attrSpan {
	n := t.at(id)
	return t.attrs[n.attr : n.attr+n.nattr]
}

// textSince returns the span of what was written to t.text since it held
// from bytes.
func (t *tree) textSince(from int) span {
	return span{off: uint32(len(t.body) + from), len: uint32(t.text.Len() - from)}
}

// addText stores s in t.text and returns its span.
func (t *tree) addText(s string) span {
	from := t.text.Len()
	t.writeString(s)
	return t.textSince(from)
}

// concat returns the span of a followed by b.
func (t *tree) concat(a, b span) span {
	if int(a.off) >= len(t.body) {
		switch a.off + a.len {
		case b.off:
			return span{off: a.off, len: a.len + b.len} // already adjacent in t.text
		case uint32(len(t.body) + t.text.Len()):
			// a ends t.text, as it does while a run of text and CDATA
			// tokens is merged: appending keeps the merge linear.
			t.writeString(t.str(b))
			return span{off: a.off, len: a.len + b.len}
		}
	}
	first, second := t.str(a), t.str(b)
	from := t.text.Len()
	t.writeString(first)
	t.writeString(second)
	return t.textSince(from)
}

// writeString and writeByte append to t.text. They grow it with Grow, which
// doubles it: growing by append, 1.25 times at a time for a large buffer,
// would allocate several times its final size in all.
func (t *tree) writeString(s string) {
	t.text.Grow(len(s))
	t.text.WriteString(s)
}

func (t *tree) writeByte(b byte) {
	t.text.Grow(1)
	t.text.WriteByte(b)
}

// firstChild returns the first child of id not dropped, or noNode.
func (t *tree) firstChild(id uint32) uint32 {
	return t.kept(id+1, t.at(id).end)
}

// nextSibling returns the sibling after child not dropped, or noNode; end
// is the parent's end.
func (t *tree) nextSibling(child, end uint32) uint32 {
	return t.kept(t.at(child).end, end)
}

func (t *tree) kept(id, end uint32) uint32 {
	for id < end {
		n := t.at(id)
		if n.flags&dropped == 0 {
			return id
		}
		id = n.end
	}
	return noNode
}

// node is the pointer form of a parsed body, for readers off the hot path
// (page properties, plain text) that walk it freely.
type node struct {
	kind     nodeKind
	name     string // qualified element name, e.g. "ac:parameter"
	attrs    []attribute
	children []*node
	text     string // decoded character data (text and CDATA alike)
}

type attribute struct {
	name  string // qualified attribute name, e.g. "ac:name"
	value string // decoded value
}

// pointerTree returns the root of t as nodes.
func (t *tree) pointerTree() *node {
	nodes := make([]node, t.count)
	childCount := 0
	for id := range t.count {
		n := t.at(id)
		p := &nodes[id]
		p.kind = n.kind
		if n.kind == textNode {
			p.text = t.str(n.str)
			continue
		}
		p.name = t.str(n.str)
		if n.nattr > 0 {
			p.attrs = make([]attribute, n.nattr)
			for i, a := range t.attributes(id) {
				p.attrs[i] = attribute{name: t.str(a.name), value: t.str(a.value)}
			}
		}
		childCount += t.childCount(id)
	}
	pointers := make([]*node, 0, childCount)
	for id := range t.count {
		if t.at(id).kind != elementNode {
			continue
		}
		from := len(pointers)
		end := t.at(id).end
		for c := t.firstChild(id); c != noNode; c = t.nextSibling(c, end) {
			pointers = append(pointers, &nodes[c])
		}
		if len(pointers) > from {
			nodes[id].children = pointers[from:len(pointers):len(pointers)]
		}
	}
	return &nodes[rootID]
}

func (t *tree) childCount(id uint32) int {
	count := 0
	end := t.at(id).end
	for c := t.firstChild(id); c != noNode; c = t.nextSibling(c, end) {
		count++
	}
	return count
}
