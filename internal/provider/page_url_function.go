// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"net/url"

	"github.com/hashicorp/terraform-plugin-framework/function"

	"github.com/docs-as-code/terraform-provider-confluence/internal/validators"
)

var _ function.Function = &PageURLFunction{}

// NewPageURLFunction is the page_url function factory.
func NewPageURLFunction() function.Function { return &PageURLFunction{} }

// PageURLFunction builds the permanent link of a page from the site and the
// page id alone.
type PageURLFunction struct{}

func (f *PageURLFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "page_url"
}

func (f *PageURLFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Build the permanent link of a Confluence page",
		MarkdownDescription: "Returns the permanent link of a page, `<base_url>/wiki/pages/viewpage.action?pageId=<page_id>`, " +
			"e.g. `https://example.atlassian.net/wiki/pages/viewpage.action?pageId=65601`. " +
			"Confluence Cloud redirects it to the page wherever it lives, so unlike the `url` attribute of resources and data sources " +
			"(`…/wiki/spaces/KEY/pages/ID/Title`) it stays valid when the page is renamed or moved, and it needs no request to Confluence. " +
			"Useful for links in other pages, README files or outputs.",
		Parameters: []function.Parameter{
			function.StringParameter{
				Name: "base_url",
				MarkdownDescription: "Site base URL, as in the provider's `url`, e.g. `https://example.atlassian.net` (a trailing `/wiki` or `/` is accepted). " +
					"Must use https unless the host is a loopback address.",
			},
			function.StringParameter{
				Name:                "page_id",
				MarkdownDescription: "Page id (digits), e.g. `confluence_page.intro.id`.",
			},
		},
		Return: function.StringReturn{},
	}
}

func (f *PageURLFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var baseURL, pageID string
	resp.Error = req.Arguments.Get(ctx, &baseURL, &pageID)
	if resp.Error != nil {
		return
	}
	link, funcErr := pagePermalink(baseURL, pageID)
	if funcErr != nil {
		resp.Error = funcErr
		return
	}
	resp.Error = resp.Result.Set(ctx, link)
}

// pagePermalink builds the viewpage.action link of a page, or an error naming
// the offending argument.
func pagePermalink(baseURL, pageID string) (string, *function.FuncError) {
	if err := validators.CheckSiteURL(baseURL); err != nil {
		return "", function.NewArgumentFuncError(0, err.Error())
	}
	if !pageIDPattern.MatchString(pageID) {
		return "", function.NewArgumentFuncError(1, fmt.Sprintf("%q is not a page id: a Confluence page id is digits only, e.g. 65601 (the number in the page's URL)", pageID))
	}
	site, _ := url.Parse(baseURL) // checked above
	link := url.URL{
		Scheme:   site.Scheme,
		Host:     site.Host,
		Path:     "/wiki/pages/viewpage.action",
		RawQuery: url.Values{"pageId": {pageID}}.Encode(),
	}
	return link.String(), nil
}
