// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/docs-as-code/terraform-provider-confluence/internal/emulator/storagefmt"
)

// timeLayout is how Confluence formats timestamps: "YYYY-MM-DDTHH:mm:ss.sssZ".
const timeLayout = "2006-01-02T15:04:05.000Z"

func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

const titleClashMessage = "A page with this title already exists: A page already exists with the same TITLE in this space"

const blogTitleClashMessage = "A blog post with this title already exists: A blog post with the same TITLE was already posted on this day in this space"

// contentIDParam is the content id of a /pages/{page-id}/… or
// /blogposts/{blogpost-id}/… route.
func (c *call) contentIDParam() string {
	if id := c.param("blogpost-id"); id != "" {
		return id
	}
	return c.param("page-id")
}

type v2Version struct {
	CreatedAt string `json:"createdAt"`
	Message   string `json:"message"`
	Number    int    `json:"number"`
	MinorEdit bool   `json:"minorEdit"`
	AuthorID  string `json:"authorId"`
}

func toV2Version(v *pageVersion) v2Version {
	return v2Version{CreatedAt: formatTime(v.CreatedAt), Message: v.Message, Number: v.Number, MinorEdit: v.MinorEdit, AuthorID: v.AuthorID}
}

type v2BodyType struct {
	Representation string `json:"representation"`
	Value          string `json:"value"`
}

type v2Optional[T any] struct {
	Results []T               `json:"results"`
	Meta    map[string]any    `json:"meta"`
	Links   map[string]string `json:"_links"`
}

// v2Page covers both PageSingle and PageBulk; the optional parts are omitted when not asked for.
type v2Page struct {
	ID         string                     `json:"id"`
	Status     string                     `json:"status"`
	Title      string                     `json:"title"`
	SpaceID    string                     `json:"spaceId"`
	ParentID   string                     `json:"parentId,omitempty"`
	ParentType string                     `json:"parentType,omitempty"`
	Position   *int                       `json:"position"`
	AuthorID   string                     `json:"authorId"`
	OwnerID    string                     `json:"ownerId"`
	CreatedAt  string                     `json:"createdAt"`
	Version    *v2Version                 `json:"version,omitempty"`
	Body       map[string]v2BodyType      `json:"body"`
	Labels     *v2Optional[v2Label]       `json:"labels,omitempty"`
	Properties *v2Optional[v2ContentProp] `json:"properties,omitempty"`
	Links      map[string]string          `json:"_links"`
}

// pageView says which optional parts of a page to render.
type pageView struct {
	bodyFormat        string // "" or "storage"
	version           *pageVersion
	includeVersion    bool
	includeLabels     bool
	includeProperties bool
	base              string // non-empty adds _links.base (single-page responses)
}

func (e *Emulator) renderPage(p *page, s *space, v pageView) v2Page {
	ver := v.version
	if ver == nil {
		ver = p.current()
	}
	out := v2Page{
		ID: p.ID, Status: p.Status, Title: ver.Title, SpaceID: p.SpaceID, ParentID: p.ParentID,
		AuthorID: p.AuthorID, OwnerID: p.AuthorID, CreatedAt: formatTime(p.CreatedAt),
		Body: map[string]v2BodyType{},
		Links: map[string]string{
			"webui":  contentWebUI(s, p, ver.Title),
			"editui": "/pages/resumedraft.action?draftId=" + p.ID,
			"tinyui": "/x/" + p.ID,
		},
	}
	if p.ParentID != "" {
		out.ParentType = "page"
	}
	if v.includeVersion {
		vv := toV2Version(ver)
		out.Version = &vv
	}
	if v.bodyFormat == "storage" {
		out.Body["storage"] = v2BodyType{Representation: "storage", Value: ver.Body}
	}
	if v.includeLabels {
		visible := e.visibleLabelsLocked(p)
		labels := make([]v2Label, 0, len(visible))
		for _, l := range visible {
			labels = append(labels, toV2Label(l))
		}
		out.Labels = &v2Optional[v2Label]{Results: labels, Meta: map[string]any{"hasMore": false}, Links: map[string]string{"self": "/wiki/api/v2/" + p.collection() + "/" + p.ID + "/labels"}}
	}
	if v.includeProperties {
		props := make([]v2ContentProp, 0, len(p.Properties))
		for _, pr := range p.Properties {
			props = append(props, toV2ContentProp(pr))
		}
		out.Properties = &v2Optional[v2ContentProp]{Results: props, Meta: map[string]any{"hasMore": false}, Links: map[string]string{"self": "/wiki/api/v2/" + p.collection() + "/" + p.ID + "/properties"}}
	}
	if v.base != "" {
		out.Links["base"] = v.base
	}
	return out
}

// contentWebUI is a page's or blog post's web address. Blog post addresses
// carry the posting date, as Confluence Cloud's do
// (/spaces/KEY/blog/2024/01/15/123/Title).
func contentWebUI(s *space, p *page, title string) string {
	if p.isBlogPost() {
		return "/spaces/" + s.Key + "/blog/" + p.CreatedAt.UTC().Format("2006/01/02") + "/" + p.ID + "/" + url.QueryEscape(title)
	}
	return pageWebUI(s, p.ID, title)
}

func pageWebUI(s *space, id, title string) string {
	return "/spaces/" + s.Key + "/pages/" + id + "/" + url.QueryEscape(title)
}

// visiblePage finds a page the caller may see; pages in spaces they cannot view, and
// pages whose view restrictions leave them out, answer 404. On a route of one
// kind, content of the other kind answers 404 too (a blog post is not found
// under /pages/{id}, nor a page under /blogposts/{id}).
func (c *call) visiblePage(id string) (*page, *space, Permission, *apiError) {
	p := c.e.site.Pages[id]
	if p == nil || (c.contentType != "" && p.contentType() != c.contentType) {
		return nil, nil, PermNone, notFound()
	}
	s := c.e.spaceByIDLocked(p.SpaceID)
	perm := c.e.pagePermLocked(c.acct, p, s) // space permission narrowed by page restrictions
	if perm < PermView {
		return nil, nil, PermNone, notFound()
	}
	return p, s, perm, nil
}

func boolQuery(c *call, name string, def bool) (bool, *apiError) {
	raw := c.query(name)
	if raw == "" {
		return def, nil
	}
	b, err := strconv.ParseBool(raw)
	if err != nil {
		return false, badRequest("Invalid value %q for %s: expected true or false", raw, name)
	}
	return b, nil
}

func bodyFormatQuery(c *call) (string, *apiError) {
	switch f := c.query("body-format"); f {
	case "", "storage":
		return f, nil
	default:
		return "", badRequest("body-format %q is not supported by the emulator; use storage", f)
	}
}

func handleGetPage(c *call) *apiError {
	p, s, _, err := c.visiblePage(c.param("id"))
	if err != nil {
		return err
	}
	if statuses := multiValues(c, "status"); len(statuses) > 0 && !slices.Contains(statuses, p.Status) {
		return notFound()
	}
	if c.e.hiddenLocked(c.e.hiddenPages, p.ID) {
		return notFound() // read-after-write lag (SetReadLag)
	}
	view := pageView{base: c.baseURL()}
	if view.bodyFormat, err = bodyFormatQuery(c); err != nil {
		return err
	}
	if raw := c.query("version"); raw != "" {
		n, convErr := strconv.Atoi(raw)
		if convErr != nil || n < 1 || n > len(p.Versions) {
			return notFound()
		}
		view.version = p.Versions[n-1]
	}
	for name, dst := range map[string]*bool{"include-version": &view.includeVersion, "include-labels": &view.includeLabels, "include-properties": &view.includeProperties} {
		def := name == "include-version"
		if *dst, err = boolQuery(c, name, def); err != nil {
			return err
		}
	}
	return c.json(http.StatusOK, c.e.renderPage(p, s, view))
}

// pageBodyWrite accepts both body forms the v2 API documents:
// {"representation":"storage","value":"..."} and {"storage":{"representation":"storage","value":"..."}}.
type pageBodyWrite struct {
	Representation string `json:"representation"`
	Value          string `json:"value"`
	Storage        *struct {
		Representation string `json:"representation"`
		Value          string `json:"value"`
	} `json:"storage"`
}

func (b *pageBodyWrite) storage() (string, *apiError) {
	if b == nil {
		return "", badRequest("body is required")
	}
	if b.Storage != nil {
		return b.Storage.Value, nil
	}
	if b.Representation != "storage" {
		return "", badRequest("body representation %q is not supported by the emulator; use storage", b.Representation)
	}
	return b.Value, nil
}

type pageCreateRequest struct {
	SpaceID  string         `json:"spaceId"`
	Status   string         `json:"status"`
	Title    string         `json:"title"`
	ParentID string         `json:"parentId"`
	Body     *pageBodyWrite `json:"body"`
}

// rewriteStorageLocked stores body the way Confluence does: canonicalised, with fresh
// macro ids. Malformed XHTML answers 400 in the v1 shape, as Confluence does.
func (e *Emulator) rewriteStorageLocked(body string) (string, *apiError) {
	out, err := storagefmt.Rewrite(body, e.newMacroIDLocked)
	if err != nil {
		var perr *storagefmt.ParseError
		if errors.As(err, &perr) {
			return "", v1Errorf(http.StatusBadRequest, "%s", perr.Error())
		}
		return "", v1Errorf(http.StatusBadRequest, "Error parsing xhtml: %v", err)
	}
	return out, nil
}

// newMacroIDLocked returns a UUID-shaped macro id; a counter keeps them deterministic.
func (e *Emulator) newMacroIDLocked() string {
	e.site.MacroSeq++
	n := e.site.MacroSeq
	return fmt.Sprintf("%08x-%04x-4%03x-8%03x-%012x", uint32(n*2654435761), uint16(n>>32), n&0xfff, (n>>12)&0xfff, n)
}

// titleTakenLocked reports whether another page in the space, current or trashed, has the title.
func (e *Emulator) titleTakenLocked(spaceID, title, exceptID string) bool {
	for _, p := range e.site.Pages {
		if p.SpaceID == spaceID && p.ID != exceptID && !p.isBlogPost() && p.title() == title {
			return true
		}
	}
	return false
}

// blogTitleTakenLocked reports whether another blog post of the space,
// current or trashed, posted on the same day (UTC) has the title. Blog post
// titles are unique per space per posting day, not per space: Confluence
// addresses a blog post by space, date and title (/display/KEY/2024/01/15/Title;
// the remote API's getBlogEntryByDateAndTitle(spaceKey, year, month, day,
// title)). The v2 OpenAPI document does not state the rule; its 400 for a
// clash is documented for POST /blogposts ("Returned if an invalid request is
// provided").
func (e *Emulator) blogTitleTakenLocked(spaceID, title string, day time.Time, exceptID string) bool {
	y, m, d := day.UTC().Date()
	for _, p := range e.site.Pages {
		if p.SpaceID != spaceID || p.ID == exceptID || !p.isBlogPost() || p.title() != title {
			continue
		}
		if py, pm, pd := p.CreatedAt.UTC().Date(); py == y && pm == m && pd == d {
			return true
		}
	}
	return false
}

// titleClashLocked is the title rule of p's kind: unique in the space for
// pages, unique in the space per posting day for blog posts.
func (e *Emulator) titleClashLocked(p *page, title string) *apiError {
	if p.isBlogPost() {
		if e.blogTitleTakenLocked(p.SpaceID, title, p.CreatedAt, p.ID) {
			return badRequest(blogTitleClashMessage)
		}
		return nil
	}
	if e.titleTakenLocked(p.SpaceID, title, p.ID) {
		return badRequest(titleClashMessage)
	}
	return nil
}

func handleCreatePage(c *call) *apiError {
	var req pageCreateRequest
	if err := c.decode(&req); err != nil {
		return err
	}
	s := c.e.spaceByIDLocked(req.SpaceID)
	perm := c.e.permLocked(c.acct, s)
	if perm < PermView {
		return notFound()
	}
	if perm < PermEdit {
		return forbidden("Could not create content: %s may not add %ss in space %s", c.acct.DisplayName, c.contentType, s.Key)
	}
	if req.Status != "" && req.Status != statusCurrent {
		return badRequest("status %q is not supported by the emulator; only current pages are created", req.Status)
	}
	title := strings.TrimSpace(req.Title)
	if title == "" {
		return badRequest("Title is required for a published page")
	}
	if len(title) > 255 {
		return badRequest("Title cannot be longer than 255 characters")
	}
	now := c.e.now().UTC()
	p := &page{ID: "", Type: c.contentType, SpaceID: s.ID, CreatedAt: now}
	if p.Type == typePage {
		p.Type = "" // pages are stored as before
	}
	if err := c.e.titleClashLocked(p, title); err != nil {
		return err
	}
	parentID := ""
	switch {
	case p.isBlogPost():
		// Blog posts have no parent: BlogPostCreateRequest has no parentId.
	case req.ParentID == "":
		parentID = s.HomepageID
	default:
		if err := c.e.checkParentLocked(s, req.ParentID, ""); err != nil {
			return err
		}
		parentID = req.ParentID
	}
	raw, err := req.Body.storage()
	if err != nil {
		return err
	}
	body, err := c.e.rewriteStorageLocked(raw)
	if err != nil {
		return err
	}
	p.ID, p.ParentID, p.Status, p.AuthorID = c.e.nextIDLocked(), parentID, statusCurrent, c.acct.AccountID
	p.Versions = []*pageVersion{{Number: 1, Title: title, Body: body, AuthorID: c.acct.AccountID, CreatedAt: now}}
	c.e.site.Pages[p.ID] = p
	c.e.startLagLocked(c.e.hiddenPages, p.ID, c.e.pageLag)
	return c.json(http.StatusOK, c.e.renderPage(p, s, pageView{bodyFormat: "storage", includeVersion: true, base: c.baseURL()}))
}

// checkParentLocked verifies that parentID is a current page in space s and that moving
// pageID under it makes no cycle.
func (e *Emulator) checkParentLocked(s *space, parentID, pageID string) *apiError {
	parent := e.site.Pages[parentID]
	if parent == nil || parent.SpaceID != s.ID || parent.Status != statusCurrent {
		return errorf(http.StatusNotFound, "Parent page %s was not found in space %s", parentID, s.Key)
	}
	for id := parentID; id != "" && pageID != ""; {
		if id == pageID {
			return badRequest("Cannot move page %s under itself or one of its descendants (%s)", pageID, parentID)
		}
		next := e.site.Pages[id]
		if next == nil {
			break
		}
		id = next.ParentID
	}
	return nil
}

type pageUpdateRequest struct {
	ID       string         `json:"id"`
	Status   string         `json:"status"`
	Title    string         `json:"title"`
	SpaceID  string         `json:"spaceId"`
	ParentID string         `json:"parentId"`
	Body     *pageBodyWrite `json:"body"`
	Version  *struct {
		Number  int    `json:"number"`
		Message string `json:"message"`
	} `json:"version"`
}

func handleUpdatePage(c *call) *apiError {
	p, s, perm, err := c.visiblePage(c.param("id"))
	if err != nil {
		return err
	}
	var req pageUpdateRequest
	if err := c.decode(&req); err != nil {
		return err
	}
	if perm < PermEdit {
		return forbidden("Could not update content: %s may not edit pages in space %s", c.acct.DisplayName, s.Key)
	}
	if req.ID != "" && req.ID != p.ID {
		return badRequest("The id in the body (%s) does not match the page being updated (%s)", req.ID, p.ID)
	}
	if req.Version == nil {
		return badRequest("version is required")
	}
	cur := p.current()
	if req.Version.Number != cur.Number+1 {
		return errorf(http.StatusConflict, "Version must be incremented on update. Current version is: %d", cur.Number)
	}
	if err := c.e.takeTransientConflictLocked(p.ID); err != nil {
		return err
	}
	if req.Status != statusCurrent {
		return badRequest("status %q is not supported by the emulator; use current", req.Status)
	}
	now := c.e.now().UTC()
	if p.Status == statusTrashed {
		// Restoring from the trash changes only the status; the new version keeps the content.
		p.Status = statusCurrent
		if parent := c.e.site.Pages[p.ParentID]; !p.isBlogPost() && (parent == nil || parent.Status != statusCurrent) {
			p.ParentID = s.HomepageID
		}
		p.Versions = append(p.Versions, &pageVersion{Number: cur.Number + 1, Title: cur.Title, Body: cur.Body, Message: req.Version.Message, AuthorID: c.acct.AccountID, CreatedAt: now})
		return c.json(http.StatusOK, c.e.renderPage(p, s, pageView{bodyFormat: "storage", includeVersion: true, base: c.baseURL()}))
	}
	if req.SpaceID != "" && req.SpaceID != s.ID {
		return badRequest("Moving a page to a different space is not supported (page %s is in space %s)", p.ID, s.ID)
	}
	title := strings.TrimSpace(req.Title)
	if title == "" {
		return badRequest("Title is required for a published page")
	}
	if len(title) > 255 {
		return badRequest("Title cannot be longer than 255 characters")
	}
	if err := c.e.titleClashLocked(p, title); err != nil {
		return err
	}
	parentID := p.ParentID
	if req.ParentID != "" && req.ParentID != p.ParentID && !p.isBlogPost() {
		if err := c.e.checkParentLocked(s, req.ParentID, p.ID); err != nil {
			return err
		}
		parentID = req.ParentID
	}
	raw, err := req.Body.storage()
	if err != nil {
		return err
	}
	body, err := c.e.rewriteStorageLocked(raw)
	if err != nil {
		return err
	}
	p.ParentID = parentID
	p.Versions = append(p.Versions, &pageVersion{Number: cur.Number + 1, Title: title, Body: body, Message: req.Version.Message, AuthorID: c.acct.AccountID, CreatedAt: now})
	return c.json(http.StatusOK, c.e.renderPage(p, s, pageView{bodyFormat: "storage", includeVersion: true, base: c.baseURL()}))
}

func handleDeletePage(c *call) *apiError {
	p, s, perm, err := c.visiblePage(c.param("id"))
	if err != nil {
		return err
	}
	purge, err := boolQuery(c, "purge", false)
	if err != nil {
		return err
	}
	if purge {
		if p.Status != statusTrashed {
			return badRequest("Page %s is not in the trash: trash it first (DELETE without purge), then purge it", p.ID)
		}
		if perm < PermAdmin {
			return forbidden("Purging page %s needs space admin permission in space %s", p.ID, s.Key)
		}
		delete(c.e.site.Pages, p.ID)
		return c.noContent()
	}
	if p.Status == statusTrashed {
		return notFound()
	}
	if perm < PermEdit {
		return forbidden("Could not delete content: %s may not delete pages in space %s", c.acct.DisplayName, s.Key)
	}
	p.Status = statusTrashed
	// As in Confluence, children of a trashed page move up to its parent.
	for _, child := range c.e.site.Pages {
		if child.ParentID == p.ID && child.Status == statusCurrent {
			child.ParentID = p.ParentID
		}
	}
	return c.noContent()
}

// pageSortKey returns the key function for a v2 page sort, or an error for an unknown sort.
func pageSortKey(sortName string) (func(*page) string, bool, *apiError) {
	desc := strings.HasPrefix(sortName, "-")
	var key func(*page) string
	switch strings.TrimPrefix(sortName, "-") {
	case "", "id":
		key = func(p *page) string { return paddedID(p.ID) }
	case "title":
		key = func(p *page) string { return p.title() + "\x00" + paddedID(p.ID) }
	case "created-date":
		key = func(p *page) string { return timeKey(p.CreatedAt) + paddedID(p.ID) }
	case "modified-date":
		key = func(p *page) string { return timeKey(p.lastModified()) + paddedID(p.ID) }
	default:
		return nil, false, badRequest("Invalid sort %q: use id, title, created-date or modified-date, optionally prefixed with -", sortName)
	}
	return key, desc, nil
}

func timeKey(t time.Time) string { return fmt.Sprintf("%020d", t.UnixNano()) }

// pageFilter holds the filters of GET /pages, GET /spaces/{id}/pages and GET /labels/{id}/pages.
type pageFilter struct {
	ids      []string
	spaceIDs []string
	statuses []string
	title    string
	rootOnly bool
	labelID  string
}

func (c *call) listPages(f pageFilter) *apiError {
	if len(f.ids) > maxLimit {
		return badRequest("Too many ids: at most %d may be requested at once", maxLimit)
	}
	limit, err := parseLimit(c)
	if err != nil {
		return err
	}
	bodyFormat, err := bodyFormatQuery(c)
	if err != nil {
		return err
	}
	sortName := c.query("sort")
	key, desc, err := pageSortKey(sortName)
	if err != nil {
		return err
	}
	statuses := f.statuses
	if len(statuses) == 0 {
		statuses = []string{statusCurrent, "archived"}
	}
	var matched []*page
	for _, p := range c.e.site.Pages {
		if c.contentType != "" && p.contentType() != c.contentType {
			continue
		}
		if len(f.ids) > 0 && !slices.Contains(f.ids, p.ID) {
			continue
		}
		if len(f.spaceIDs) > 0 && !slices.Contains(f.spaceIDs, p.SpaceID) {
			continue
		}
		if !slices.Contains(statuses, p.Status) || (f.title != "" && p.title() != f.title) {
			continue
		}
		if f.labelID != "" && !p.hasLabelID(f.labelID) {
			continue
		}
		s := c.e.spaceByIDLocked(p.SpaceID)
		if f.rootOnly && p.ParentID != "" && p.ID != s.HomepageID {
			continue
		}
		if c.e.pagePermLocked(c.acct, p, s) < PermView {
			continue
		}
		if c.e.hiddenLocked(c.e.hiddenPages, p.ID) {
			continue // read-after-write lag (SetReadLag)
		}
		if f.labelID != "" && !c.e.hasVisibleLabelIDLocked(p, f.labelID) {
			continue
		}
		matched = append(matched, p)
	}
	pageItems, next, err := keyedPage(matched, key, desc, "pages:"+sortName, c.query("cursor"), limit)
	if err != nil {
		return err
	}
	results := make([]v2Page, 0, len(pageItems))
	for _, p := range pageItems {
		results = append(results, c.e.renderPage(p, c.e.spaceByIDLocked(p.SpaceID), pageView{bodyFormat: bodyFormat, includeVersion: true}))
	}
	return writeV2List(c, results, next)
}

func handleListPages(c *call) *apiError {
	return c.listPages(pageFilter{
		ids:      multiValues(c, "id"),
		spaceIDs: multiValues(c, "space-id"),
		statuses: multiValues(c, "status"),
		title:    c.query("title"),
	})
}

func handleListSpacePages(c *call) *apiError {
	s := c.e.spaceByIDLocked(c.param("id"))
	if c.e.permLocked(c.acct, s) < PermView {
		return notFound()
	}
	depth := c.query("depth")
	if depth != "" && depth != "all" && depth != "root" {
		return badRequest("Invalid depth %q: use all or root", depth)
	}
	return c.listPages(pageFilter{
		spaceIDs: []string{s.ID},
		statuses: multiValues(c, "status"),
		title:    c.query("title"),
		rootOnly: depth == "root",
	})
}

func handleListPageVersions(c *call) *apiError {
	p, _, _, err := c.visiblePage(c.param("id"))
	if err != nil {
		return err
	}
	limit, err := parseLimit(c)
	if err != nil {
		return err
	}
	sortName := c.query("sort")
	desc := true // newest first unless asked otherwise
	switch sortName {
	case "", "-modified-date":
	case "modified-date":
		desc = false
	default:
		return badRequest("Invalid sort %q: use modified-date or -modified-date", sortName)
	}
	key := func(v *pageVersion) string { return fmt.Sprintf("%010d", v.Number) }
	versions, next, err := keyedPage(p.Versions, key, desc, "versions:"+sortName, c.query("cursor"), limit)
	if err != nil {
		return err
	}
	results := make([]v2Version, 0, len(versions))
	for _, v := range versions {
		results = append(results, toV2Version(v))
	}
	return writeV2List(c, results, next)
}

type v2DetailedVersion struct {
	Number              int      `json:"number"`
	AuthorID            string   `json:"authorId"`
	Message             string   `json:"message"`
	CreatedAt           string   `json:"createdAt"`
	MinorEdit           bool     `json:"minorEdit"`
	ContentTypeModified bool     `json:"contentTypeModified"`
	Collaborators       []string `json:"collaborators"`
	PrevVersion         *int     `json:"prevVersion,omitempty"`
	NextVersion         *int     `json:"nextVersion,omitempty"`
}

func handleGetPageVersion(c *call) *apiError {
	p, _, _, err := c.visiblePage(c.contentIDParam())
	if err != nil {
		return err
	}
	n, convErr := strconv.Atoi(c.param("version-number"))
	if convErr != nil || n < 1 || n > len(p.Versions) {
		return errorf(http.StatusNotFound, "Version %s of page %s does not exist", c.param("version-number"), p.ID)
	}
	v := p.Versions[n-1]
	out := v2DetailedVersion{
		Number: v.Number, AuthorID: v.AuthorID, Message: v.Message, CreatedAt: formatTime(v.CreatedAt),
		MinorEdit: v.MinorEdit, Collaborators: []string{v.AuthorID},
	}
	if n > 1 {
		prev := n - 1
		out.PrevVersion = &prev
	}
	if n < len(p.Versions) {
		next := n + 1
		out.NextVersion = &next
	}
	return c.json(http.StatusOK, out)
}
