// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package storage

// htmlElementNames are the elements of the HTML Standard
// (https://html.spec.whatwg.org/multipage/indices.html#elements-3), its
// obsolete ones (https://html.spec.whatwg.org/multipage/obsolete.html) and
// the foreign svg and math. A tag of any other name is more likely a
// placeholder in prose ("docker rm <container-id>") than markup.
var htmlElementNames = setOf(
	"a", "abbr", "address", "area", "article", "aside", "audio", "b", "base", "bdi", "bdo",
	"blockquote", "body", "br", "button", "canvas", "caption", "cite", "code", "col", "colgroup",
	"data", "datalist", "dd", "del", "details", "dfn", "dialog", "div", "dl", "dt", "em", "embed",
	"fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
	"head", "header", "hgroup", "hr", "html", "i", "iframe", "img", "input", "ins", "kbd", "label",
	"legend", "li", "link", "main", "map", "mark", "menu", "meta", "meter", "nav", "noscript",
	"object", "ol", "optgroup", "option", "output", "p", "picture", "pre", "progress", "q", "rp",
	"rt", "ruby", "s", "samp", "script", "search", "section", "select", "slot", "small", "source",
	"span", "strong", "style", "sub", "summary", "sup", "table", "tbody", "td", "template",
	"textarea", "tfoot", "th", "thead", "time", "title", "tr", "track", "u", "ul", "var", "video",
	"wbr",
	// Obsolete, still parsed by browsers.
	"acronym", "applet", "basefont", "bgsound", "big", "blink", "center", "dir", "font", "frame",
	"frameset", "image", "isindex", "keygen", "listing", "marquee", "menuitem", "multicol",
	"nextid", "nobr", "noembed", "noframes", "param", "plaintext", "rb", "rtc", "spacer", "strike",
	"tt", "xmp",
	// Foreign elements.
	"svg", "math",
)
