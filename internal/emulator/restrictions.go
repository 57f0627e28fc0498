// Copyright (c) docs-as-code contributors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Page restrictions, groups and user search, as the v1 REST API documents them
// (confluence-v1.openapi.json):
//
//   - GET/PUT/DELETE /wiki/rest/api/content/{id}/restriction ("Get restrictions",
//     "Update restrictions" replaces them all, "Delete restrictions" removes them
//     all); ContentRestrictionArray / ContentRestrictionAddOrUpdateArray shapes.
//   - GET /wiki/rest/api/group, /group/by-id, /user/memberof, /search/user.
//
// Enforcement follows "Page restrictions" in Confluence Cloud's documentation
// (https://support.atlassian.com/confluence-cloud/docs/manage-permissions-on-the-page-level/):
// a page with view restrictions is visible only to the users and members of the
// groups listed (everyone else gets 404, as for content they may not view); a
// page with edit restrictions may be changed only by those listed (others keep
// their view). Restrictions narrow space permissions, never widen them. The
// emulator does not model the inheritance of view restrictions by child pages.

// group is a site user group.
type group struct {
	ID      string   `json:"id"`
	Name    string   `json:"name"`
	Members []string `json:"members"` // account ids
}

// restriction is who a page operation ("read" or "update") is restricted to;
// both lists empty means the operation is not restricted.
type restriction struct {
	Users  []string `json:"users,omitempty"`  // account ids
	Groups []string `json:"groups,omitempty"` // group ids
}

func (r restriction) empty() bool { return len(r.Users) == 0 && len(r.Groups) == 0 }

// restrictionOps are the operations the emulator stores restrictions for.
var restrictionOps = []string{"read", "update"}

// AddGroup adds a group with the given members (by e-mail) and returns its id.
func (e *Emulator) AddGroup(name string, memberEmails ...string) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	g := &group{ID: "group-" + e.nextIDLocked(), Name: name}
	for _, email := range memberEmails {
		for _, a := range e.site.Accounts {
			if strings.EqualFold(a.Email, email) {
				g.Members = append(g.Members, a.AccountID)
			}
		}
	}
	e.site.Groups = append(e.site.Groups, g)
	return g.ID
}

// SetPageRestrictions replaces a page's restrictions out of band, as a person
// in the page's restriction dialog would; ops maps "read"/"update" to account
// ids and group ids (prefixed "group:").
func (e *Emulator) SetPageRestrictions(pageID string, ops map[string][]string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	p := e.site.Pages[pageID]
	if p == nil {
		return false
	}
	p.Restrictions = map[string]restriction{}
	for op, subjects := range ops {
		var r restriction
		for _, s := range subjects {
			if id, ok := strings.CutPrefix(s, "group:"); ok {
				r.Groups = append(r.Groups, id)
			} else {
				r.Users = append(r.Users, s)
			}
		}
		if !r.empty() {
			p.Restrictions[op] = r
		}
	}
	return true
}

func (e *Emulator) groupByIDLocked(id string) *group {
	for _, g := range e.site.Groups {
		if g.ID == id {
			return g
		}
	}
	return nil
}

// allowedLocked reports whether the account may do op on the page under its restrictions.
func (e *Emulator) allowedLocked(a *Account, p *page, op string) bool {
	r, ok := p.Restrictions[op]
	if !ok || r.empty() {
		return true
	}
	if slices.Contains(r.Users, a.AccountID) {
		return true
	}
	for _, id := range r.Groups {
		if g := e.groupByIDLocked(id); g != nil && slices.Contains(g.Members, a.AccountID) {
			return true
		}
	}
	return false
}

// pagePermLocked is what the account may do with the page: its space
// permission narrowed by the page's restrictions.
func (e *Emulator) pagePermLocked(a *Account, p *page, s *space) Permission {
	perm := e.permLocked(a, s)
	if perm < PermView || !e.allowedLocked(a, p, "read") {
		return PermNone
	}
	if perm >= PermEdit && !e.allowedLocked(a, p, "update") {
		return PermView
	}
	return perm
}

type v1Group struct {
	Type      string            `json:"type"`
	Name      string            `json:"name"`
	ID        string            `json:"id"`
	UsageType string            `json:"usageType"`
	ManagedBy string            `json:"managedBy"`
	Links     map[string]string `json:"_links"`
}

func (c *call) renderGroup(g *group) v1Group {
	return v1Group{Type: "group", Name: g.Name, ID: g.ID, UsageType: "USERBASE_GROUP", ManagedBy: "ADMINS",
		Links: map[string]string{"self": c.baseURL() + "/rest/api/group/by-id?id=" + g.ID}}
}

type v1List[T any] struct {
	Results []T               `json:"results"`
	Start   int               `json:"start"`
	Limit   int               `json:"limit"`
	Size    int               `json:"size"`
	Links   map[string]string `json:"_links"`
}

type v1ContentRestriction struct {
	Operation    string `json:"operation"`
	Restrictions struct {
		User  v1List[v1User]  `json:"user"`
		Group v1List[v1Group] `json:"group"`
	} `json:"restrictions"`
	Expandable map[string]string `json:"_expandable"`
	Links      map[string]string `json:"_links"`
}

type v1ContentRestrictionArray struct {
	Results          []v1ContentRestriction `json:"results"`
	Start            int                    `json:"start"`
	Limit            int                    `json:"limit"`
	Size             int                    `json:"size"`
	RestrictionsHash string                 `json:"restrictionsHash"`
	Links            map[string]string      `json:"_links"`
}

// restrictedPage finds a current page for the restriction endpoints, answering
// in the v1 shape: 404 when the caller may not view it, 403 for a write when
// they may not edit it.
func (c *call) restrictedPage(write bool) (*page, *apiError) {
	id := c.param("id")
	p := c.e.site.Pages[id]
	if p == nil || p.Status != statusCurrent {
		return nil, v1Errorf(http.StatusNotFound, "No content found with id: %s", id)
	}
	s := c.e.spaceByIDLocked(p.SpaceID)
	perm := c.e.pagePermLocked(c.acct, p, s)
	if perm < PermView {
		return nil, v1Errorf(http.StatusNotFound, "No content found with id: %s", id)
	}
	if write && perm < PermEdit {
		return nil, v1Errorf(http.StatusForbidden, "%s may not change the restrictions of content %s", c.acct.DisplayName, id)
	}
	return p, nil
}

func (c *call) writeRestrictions(p *page) *apiError {
	out := v1ContentRestrictionArray{Links: map[string]string{"base": c.baseURL(), "context": "/wiki", "self": c.baseURL() + "/rest/api/content/" + p.ID + "/restriction"}}
	hash := sha256.New()
	for _, op := range restrictionOps {
		r := p.Restrictions[op]
		cr := v1ContentRestriction{Operation: op, Expandable: map[string]string{"content": "/rest/api/content/" + p.ID},
			Links: map[string]string{"self": c.baseURL() + "/rest/api/content/" + p.ID + "/restriction/byOperation/" + op}}
		users := make([]v1User, 0, len(r.Users))
		for _, id := range r.Users {
			users = append(users, c.e.accountByIDLocked(id))
		}
		groups := make([]v1Group, 0, len(r.Groups))
		for _, id := range r.Groups {
			if g := c.e.groupByIDLocked(id); g != nil {
				groups = append(groups, c.renderGroup(g))
			}
		}
		cr.Restrictions.User = v1List[v1User]{Results: users, Limit: 200, Size: len(users), Links: map[string]string{}}
		cr.Restrictions.Group = v1List[v1Group]{Results: groups, Limit: 200, Size: len(groups), Links: map[string]string{}}
		out.Results = append(out.Results, cr)
		hash.Write([]byte(op + ":" + strings.Join(r.Users, ",") + ";" + strings.Join(r.Groups, ",") + "\n"))
	}
	out.Size, out.Limit = len(out.Results), 100
	out.RestrictionsHash = hex.EncodeToString(hash.Sum(nil))[:32]
	return c.json(http.StatusOK, out)
}

func handleGetRestrictions(c *call) *apiError {
	p, err := c.restrictedPage(false)
	if err != nil {
		return err
	}
	return c.writeRestrictions(p)
}

// restrictionUpdate is ContentRestrictionUpdate: users by accountId (an array
// or a UserArray), groups by id (or, as older clients send, by name).
type restrictionUpdate struct {
	Operation    string `json:"operation"`
	Restrictions *struct {
		User  userList `json:"user"`
		Group []struct {
			Type string `json:"type"`
			ID   string `json:"id"`
			Name string `json:"name"`
		} `json:"group"`
	} `json:"restrictions"`
}

// userList accepts both forms the document allows for restrictions.user.
type userList []struct {
	AccountID string `json:"accountId"`
}

func (u *userList) UnmarshalJSON(data []byte) error {
	type plain []struct {
		AccountID string `json:"accountId"`
	}
	if trimmed := strings.TrimSpace(string(data)); strings.HasPrefix(trimmed, "{") {
		var wrapped struct {
			Results plain `json:"results"`
		}
		if err := json.Unmarshal(data, &wrapped); err != nil {
			return err
		}
		*u = userList(wrapped.Results)
		return nil
	}
	var p plain
	if err := json.Unmarshal(data, &p); err != nil {
		return err
	}
	*u = userList(p)
	return nil
}

// restrictionBody accepts both forms of ContentRestrictionAddOrUpdateArray.
type restrictionBody []restrictionUpdate

func (b *restrictionBody) UnmarshalJSON(data []byte) error {
	if trimmed := strings.TrimSpace(string(data)); strings.HasPrefix(trimmed, "{") {
		var wrapped struct {
			Results []restrictionUpdate `json:"results"`
		}
		if err := json.Unmarshal(data, &wrapped); err != nil {
			return err
		}
		*b = wrapped.Results
		return nil
	}
	var list []restrictionUpdate
	if err := json.Unmarshal(data, &list); err != nil {
		return err
	}
	*b = list
	return nil
}

func handlePutRestrictions(c *call) *apiError {
	p, err := c.restrictedPage(true)
	if err != nil {
		return err
	}
	var body restrictionBody
	if err := c.decode(&body); err != nil {
		return v1Errorf(http.StatusBadRequest, "%s", err.title)
	}
	next := map[string]restriction{}
	for _, u := range body {
		if !slices.Contains(restrictionOps, u.Operation) {
			return v1Errorf(http.StatusBadRequest, "Operation %q is not supported by the emulator; use read or update", u.Operation)
		}
		if u.Restrictions == nil {
			return v1Errorf(http.StatusBadRequest, "restrictions is required for operation %s", u.Operation)
		}
		var r restriction
		for _, user := range u.Restrictions.User {
			if user.AccountID == "" || c.e.accountByIDLocked(user.AccountID).Type != "known" {
				return v1Errorf(http.StatusBadRequest, "Unknown user with accountId %q in the %s restriction", user.AccountID, u.Operation)
			}
			if !slices.Contains(r.Users, user.AccountID) {
				r.Users = append(r.Users, user.AccountID)
			}
		}
		for _, g := range u.Restrictions.Group {
			found := c.e.groupByIDLocked(g.ID)
			if found == nil && g.ID == "" {
				for _, candidate := range c.e.site.Groups {
					if candidate.Name == g.Name {
						found = candidate
					}
				}
			}
			if found == nil {
				return v1Errorf(http.StatusBadRequest, "Unknown group %q in the %s restriction", cmpOr(g.ID, g.Name), u.Operation)
			}
			if !slices.Contains(r.Groups, found.ID) {
				r.Groups = append(r.Groups, found.ID)
			}
		}
		sort.Strings(r.Users)
		sort.Strings(r.Groups)
		if !r.empty() {
			next[u.Operation] = r
		}
	}
	p.Restrictions = next
	return c.writeRestrictions(p)
}

func handleDeleteRestrictions(c *call) *apiError {
	p, err := c.restrictedPage(true)
	if err != nil {
		return err
	}
	p.Restrictions = nil
	return c.writeRestrictions(p)
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// offsetWindow applies v1 start/limit paging to n items.
func offsetWindow(c *call, n, def int) (start, end, limit int, err *apiError) {
	start, limit = 0, def
	if raw := c.query("start"); raw != "" {
		v, convErr := strconv.Atoi(raw)
		if convErr != nil || v < 0 {
			return 0, 0, 0, v1Errorf(http.StatusBadRequest, "Invalid start %q", raw)
		}
		start = v
	}
	if raw := c.query("limit"); raw != "" {
		v, convErr := strconv.Atoi(raw)
		if convErr != nil || v < 0 {
			return 0, 0, 0, v1Errorf(http.StatusBadRequest, "Invalid limit %q", raw)
		}
		limit = min(max(v, 1), 1000)
	}
	start = min(start, n)
	return start, min(start+limit, n), limit, nil
}

// handleListGroups answers GET /wiki/rest/api/group: every group, by name.
func handleListGroups(c *call) *apiError {
	groups := slices.Clone(c.e.site.Groups)
	slices.SortFunc(groups, func(a, b *group) int { return strings.Compare(a.Name, b.Name) })
	start, end, limit, err := offsetWindow(c, len(groups), 200)
	if err != nil {
		return err
	}
	out := v1List[v1Group]{Results: []v1Group{}, Start: start, Limit: limit, Links: map[string]string{"base": c.baseURL(), "context": "/wiki"}}
	for _, g := range groups[start:end] {
		out.Results = append(out.Results, c.renderGroup(g))
	}
	out.Size = len(out.Results)
	if end < len(groups) {
		out.Links["next"] = "/rest/api/group?start=" + strconv.Itoa(end) + "&limit=" + strconv.Itoa(limit)
	}
	return c.json(http.StatusOK, out)
}

// handleGetGroupByID answers GET /wiki/rest/api/group/by-id?id=….
func handleGetGroupByID(c *call) *apiError {
	if g := c.e.groupByIDLocked(c.query("id")); g != nil {
		return c.json(http.StatusOK, c.renderGroup(g))
	}
	return v1Errorf(http.StatusNotFound, "No group found with id %s", c.query("id"))
}

// handleMemberOf answers GET /wiki/rest/api/user/memberof?accountId=…: the
// groups the user belongs to.
func handleMemberOf(c *call) *apiError {
	id := c.query("accountId")
	if id == "" {
		return v1Errorf(http.StatusBadRequest, "accountId is required")
	}
	var mine []*group
	for _, g := range c.e.site.Groups {
		if slices.Contains(g.Members, id) {
			mine = append(mine, g)
		}
	}
	start, end, limit, err := offsetWindow(c, len(mine), 200)
	if err != nil {
		return err
	}
	out := v1List[v1Group]{Results: []v1Group{}, Start: start, Limit: limit, Links: map[string]string{"base": c.baseURL(), "context": "/wiki"}}
	for _, g := range mine[start:end] {
		out.Results = append(out.Results, c.renderGroup(g))
	}
	out.Size = len(out.Results)
	return c.json(http.StatusOK, out)
}

type v1UserSearchResult struct {
	User         v1User  `json:"user"`
	Title        string  `json:"title"`
	Excerpt      string  `json:"excerpt"`
	URL          string  `json:"url"`
	Breadcrumbs  []any   `json:"breadcrumbs"`
	EntityType   string  `json:"entityType"`
	IconCSSClass string  `json:"iconCssClass"`
	LastModified string  `json:"lastModified"`
	Score        float64 `json:"score"`
}

// handleSearchUsers answers GET /wiki/rest/api/search/user. The document
// supports the fields user, user.accountid and user.fullname; the emulator
// evaluates `user = "id"`, `user.accountid = "id"` and `user.fullname ~ "x"`,
// the last matching the start of a display name or e-mail address, as the
// people picker does (e-mail addresses are visible on the emulated site).
func handleSearchUsers(c *call) *apiError {
	q := strings.TrimSpace(c.query("cql"))
	field, value, ok := splitUserClause(q)
	if !ok {
		return v1Errorf(http.StatusBadRequest, "Could not parse cql %q: the emulator supports user = \"id\", user.accountid = \"id\" and user.fullname ~ \"text\"", q)
	}
	var matched []v1User
	for _, a := range c.e.site.Accounts {
		var hit bool
		switch field {
		case "user", "user.accountid":
			hit = a.AccountID == value
		case "user.fullname":
			v := strings.ToLower(value)
			hit = strings.HasPrefix(strings.ToLower(a.DisplayName), v) || strings.HasPrefix(strings.ToLower(a.Email), v)
		}
		if hit {
			matched = append(matched, c.e.accountByIDLocked(a.AccountID))
		}
	}
	start, end, limit, err := offsetWindow(c, len(matched), 25)
	if err != nil {
		return err
	}
	results := make([]v1UserSearchResult, 0, end-start)
	for _, u := range matched[start:end] {
		results = append(results, v1UserSearchResult{User: u, Title: u.DisplayName, URL: "/people/" + u.AccountID,
			Breadcrumbs: []any{}, EntityType: "user", IconCSSClass: "aui-icon content-type-profile", LastModified: formatTime(c.e.now())})
	}
	return c.json(http.StatusOK, v1UserSearchResponse{Results: results, Start: start, Limit: limit, Size: len(results), TotalSize: len(matched),
		CQLQuery: q, Links: map[string]string{"base": c.baseURL(), "context": "/wiki"}})
}

type v1UserSearchResponse struct {
	Results        []v1UserSearchResult `json:"results"`
	Start          int                  `json:"start"`
	Limit          int                  `json:"limit"`
	Size           int                  `json:"size"`
	TotalSize      int                  `json:"totalSize"`
	CQLQuery       string               `json:"cqlQuery"`
	SearchDuration int                  `json:"searchDuration"`
	Links          map[string]string    `json:"_links"`
}

// userClause is the one-clause user CQL the emulator evaluates.
var userClause = regexp.MustCompile(`^(?i)(user|user\.accountid|user\.fullname)\s*(=|~)\s*"((?:[^"\\]|\\.)*)"$`)

func splitUserClause(q string) (field, value string, ok bool) {
	m := userClause.FindStringSubmatch(q)
	if m == nil {
		return "", "", false
	}
	field = strings.ToLower(m[1])
	if (field == "user.fullname") != (m[2] == "~") {
		return "", "", false
	}
	value = strings.NewReplacer(`\"`, `"`, `\\`, `\`).Replace(m[3])
	return field, value, true
}
