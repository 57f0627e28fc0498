// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package storage

import (
	"regexp"
	"strings"
)

// codeLanguages are the language names the code block macro knows in
// Confluence Cloud ("Insert the code block macro",
// https://support.atlassian.com/confluence-cloud/docs/insert-the-code-block-macro/,
// and the macro's language parameter on
// https://confluence.atlassian.com/doc/code-block-macro-139390.html).
var codeLanguages = setOf(
	"abap", "actionscript", "actionscript3", "ada", "applescript", "bash", "c", "clojure",
	"coffeescript", "coldfusion", "cpp", "csharp", "css", "cuda", "d", "dart", "delphi",
	"diff", "elixir", "erlang", "fortran", "go", "graphql", "groovy", "haskell", "haxe",
	"html", "java", "javafx", "javascript", "json", "jsx", "julia", "kotlin", "lua",
	"matlab", "nginx", "objective-c", "ocaml", "pascal", "perl", "php", "powershell",
	"prolog", "puppet", "python", "r", "racket", "ruby", "rust", "sass", "scala", "scheme",
	"shell", "smalltalk", "sql", "swift", "tcl", "tex", "text", "typescript", "vb", "vbnet",
	"verilog", "vhdl", "xml", "xquery", "yaml",
)

// codeLanguageAliases maps the names people write after a fence (GitHub
// linguist and highlight.js aliases) to the macro's names.
var codeLanguageAliases = map[string]string{
	"sh": "bash", "zsh": "bash", "ksh": "bash", "console": "bash", "shell-session": "bash",
	"shellsession": "bash", "terminal": "bash",
	"yml": "yaml", "js": "javascript", "mjs": "javascript", "cjs": "javascript", "node": "javascript",
	"ts": "typescript", "tsx": "typescript", "mts": "typescript", "golang": "go",
	"py": "python", "py3": "python", "python3": "python", "pycon": "python",
	"rb": "ruby", "rs": "rust", "kt": "kotlin", "kts": "kotlin",
	"c++": "cpp", "cxx": "cpp", "cc": "cpp", "hpp": "cpp", "h": "c",
	"cs": "csharp", "c#": "csharp", "ps1": "powershell", "pwsh": "powershell", "ps": "powershell",
	"htm": "html", "xhtml": "html", "svg": "xml", "xsl": "xml", "plist": "xml",
	"jsonc": "json", "json5": "json", "patch": "diff", "udiff": "diff",
	"txt": "text", "plain": "text", "plaintext": "text", "none": "text", "output": "text",
	"objc": "objective-c", "objectivec": "objective-c", "erl": "erlang", "ex": "elixir", "exs": "elixir",
	"hs": "haskell", "ml": "ocaml", "pl": "perl", "scss": "sass", "psql": "sql", "mysql": "sql",
	"postgresql": "sql", "postgres": "sql", "plsql": "sql", "tsql": "sql", "latex": "tex",
	"vb.net": "vbnet", "jl": "julia", "clj": "clojure", "rkt": "racket", "swift5": "swift",
	"as3": "actionscript3", "cfm": "coldfusion",
}

// fenceInfo is what a code fence's info string says.
type fenceInfo struct {
	language string // a codeLanguages name, or ""
	title    string
}

// fenceTitle finds title="…" (MkDocs, Hugo, Docusaurus) or title=word.
var fenceTitle = regexp.MustCompile(`(?:^|[\s{,])title=(?:"([^"]*)"|'([^']*)'|([^\s,}]+))`)

// parseFenceInfo reads a fence's info string: its first word, up to a
// space, comma or brace ("rust,ignore", "go {linenos=table}", "{.python}"),
// normalised to a language the code macro knows, and a title attribute.
func parseFenceInfo(info string) fenceInfo {
	var f fenceInfo
	if m := fenceTitle.FindStringSubmatch(info); m != nil {
		f.title = strings.TrimSpace(m[1] + m[2] + m[3])
	}
	word := strings.TrimLeft(strings.TrimSpace(info), "{.")
	if end := strings.IndexAny(word, " \t,{}"); end >= 0 {
		word = word[:end]
	}
	if strings.Contains(word, "=") { // an attribute, not a language
		return f
	}
	word = strings.ToLower(word)
	word = strings.TrimPrefix(word, "language-")
	if alias, ok := codeLanguageAliases[word]; ok {
		word = alias
	}
	if codeLanguages[word] {
		f.language = word
	}
	return f
}
