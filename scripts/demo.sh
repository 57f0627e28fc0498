#!/usr/bin/env bash
# make demo: the main job, end to end, on the built-in Confluence emulator.
#
#  1. An administrator registers the automation identity "docs-bot" and its
#     policy (reads allowed, creates allowed, updates need confirmation,
#     deletes denied).
#  2. The docs-as-code workspace publishes Markdown as the bot.
#  3. A docs change plans with a confirmation code and the plan report says it
#     waits for approval; the bot's apply and its attempt to approve itself are
#     refused; a named approver approves with their own credentials; the saved
#     plan applies and the page history names the approver.
#  4. A person edits a page in Confluence; the plan shows their text.
#  5. Deleting a page is denied at plan time.
#
# Everything runs offline: the provider is built from this repository and
# loaded through a dev_overrides CLI configuration; the emulator listens on
# loopback only.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
terraform="${TERRAFORM:-/usr/local/bin/terraform}"
work="$root/.demo"
rm -rf "$work"
mkdir -p "$work/bin"

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
tf() { "$terraform" "-chdir=$1" "${@:2}"; }

step "Building the provider"
(cd "$root" && go build -trimpath -o "$work/bin/terraform-provider-confluence" .)
(cd "$root" && go build -trimpath -o "$work/bin/confluence-emulator" ./cmd/confluence-emulator)
(cd "$root" && go build -trimpath -o "$work/bin/confluence-plan-report" ./cmd/confluence-plan-report)
report_cmd="$work/bin/confluence-plan-report"

step "Starting the Confluence emulator (seeded demo site)"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
"$work/bin/confluence-emulator" -seed demo -addr "127.0.0.1:$port" -data "$work/site.json" >"$work/emulator.log" 2>&1 &
emulator_pid=$!
trap 'kill $emulator_pid 2>/dev/null || true; wait $emulator_pid 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do
  curl -fsS "http://127.0.0.1:$port/__emulator/stats" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -fsS "http://127.0.0.1:$port/__emulator/stats" >/dev/null
echo "Confluence emulator at http://127.0.0.1:$port"

cat >"$work/terraformrc" <<EOF
provider_installation {
  dev_overrides {
    "docs-as-code/confluence" = "$work/bin"
  }
  direct {}
}
EOF
export TF_CLI_CONFIG_FILE="$work/terraformrc" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
export CONFLUENCE_URL="http://127.0.0.1:$port"
cp -r "$root/examples/scenarios/admin" "$root/examples/scenarios/docs-as-code" "$work/"

step "Admin workspace (admin@example.com): register docs-bot and its policy"
CONFLUENCE_EMAIL=admin@example.com CONFLUENCE_API_TOKEN=admin-token TF_VAR_bot_token=bot-token \
  tf "$work/admin" apply -auto-approve -compact-warnings

as_bot() {
  CONFLUENCE_EMAIL=bot@example.com CONFLUENCE_API_TOKEN=bot-token \
    CONFLUENCE_CHANGE_REFERENCE="demo commit $(cd "$root" && git rev-parse --short HEAD 2>/dev/null || echo local)" "$@"
}

step "Docs workspace (bot@example.com): publish docs/ (create_page is allowed)"
as_bot tf "$work/docs-as-code" apply -auto-approve -compact-warnings
as_bot tf "$work/docs-as-code" output pages

step "A docs change: update_page needs a confirmation code"
printf '\n3. Record the deploy in the changelog.\n' >>"$work/docs-as-code/docs/runbook.md"
as_bot tf "$work/docs-as-code" plan -json -out=change.tfplan >"$work/docs-as-code/change.jsonl"
tf "$work/docs-as-code" show -json change.tfplan >"$work/docs-as-code/change.json"
code=$(python3 -c '
import json, sys
plan = json.load(open(sys.argv[1]))
for rc in plan["resource_changes"]:
    after = (rc.get("change") or {}).get("after") or {}
    if "update" in rc["change"]["actions"] and after.get("confirmation_code"):
        print(after["confirmation_code"]); break' "$work/docs-as-code/change.json")
echo "Plan JSON: policy_decision = allowed_with_confirmation, confirmation_code = $code"

step "The plan report for the pull request (exit 2: waiting for approval)"
status=0
"$report_cmd" --plan "$work/docs-as-code/change.json" --log "$work/docs-as-code/change.jsonl" || status=$?
echo "confluence-plan-report exit status: $status"
test "$status" = 2

step "The bot's apply of the saved plan is refused, nothing written"
if as_bot tf "$work/docs-as-code" apply change.tfplan >"$work/refused.log" 2>&1; then
  echo "the apply went through without approval" >&2
  exit 1
fi
grep -o 'Approval Required' "$work/refused.log" | head -1

step "The bot cannot approve its own change, nor grant it through CONFLUENCE_CONFIRMATIONS"
if as_bot "$report_cmd" approve "$code" --space DOCS --reason "self-approval" 2>"$work/self.log"; then
  echo "the bot approved its own change" >&2
  exit 1
fi
grep -o 'no identity approves its own change' "$work/self.log" | head -1
# A refused apply leaves the saved plan stale (Terraform saved the state), so
# plan again: the change, and so its code, are the same.
replan() {
  as_bot tf "$work/docs-as-code" plan -json -out=change.tfplan >"$work/docs-as-code/change.jsonl"
  tf "$work/docs-as-code" show -json change.tfplan >"$work/docs-as-code/change.json"
}
replan
if CONFLUENCE_CONFIRMATIONS="$code" as_bot tf "$work/docs-as-code" apply change.tfplan >"$work/confirmations.log" 2>&1; then
  echo "CONFLUENCE_CONFIRMATIONS granted a change under a policy with approvers" >&2
  exit 1
fi
grep -o 'Confirmation Not Accepted From Confirmations' "$work/confirmations.log" | head -1
replan

step "Alice Approver (approver@example.com) approves $code with her own credentials"
CONFLUENCE_EMAIL=approver@example.com CONFLUENCE_API_TOKEN=approver-token \
  "$report_cmd" approve --plan "$work/docs-as-code/change.json" --log "$work/docs-as-code/change.jsonl" \
  --space DOCS --reason "Reviewed the runbook change in the demo" --expires 2h

step "The reviewed plan applies: the approval is verified by its author in Confluence"
as_bot tf "$work/docs-as-code" apply change.tfplan

step "Page history and audit property carry the decision and the approver"
runbook_id=$(tf "$work/docs-as-code" output -raw runbook_id)
message=$(curl -fsS -u bot@example.com:bot-token "$CONFLUENCE_URL/wiki/api/v2/pages/$runbook_id?body-format=storage" |
  python3 -c 'import json,sys; p=json.load(sys.stdin); print("version", p["version"]["number"], "message:", p["version"]["message"])')
echo "$message"
curl -fsS -u bot@example.com:bot-token "$CONFLUENCE_URL/wiki/api/v2/pages/$runbook_id/properties?key=terraform.change" |
  python3 -c 'import json,sys; print("terraform.change:", json.dumps(json.load(sys.stdin)["results"][0]["value"]))'
if ! grep -q 'approved by Alice Approver' <<<"$message"; then
  echo "FAIL: the version message does not name the approver" >&2
  exit 1
fi
curl -fsS -u bot@example.com:bot-token "$CONFLUENCE_URL/wiki/api/v2/spaces/$(curl -fsS -u bot@example.com:bot-token "$CONFLUENCE_URL/wiki/api/v2/spaces?keys=DOCS" | python3 -c 'import json,sys; print(json.load(sys.stdin)["results"][0]["id"])')/properties" |
  python3 -c '
import json, sys
for p in json.load(sys.stdin)["results"]:
    if p["key"].startswith("terraform.approval."):
        v = p["value"]
        print("approval record %s: written by account %s at %s (as Confluence records it), reason %r, expires %s"
              % (p["key"], p["version"]["createdBy"], p["version"]["createdAt"], v["reason"], v["expires_at"]))'

step "A person (editor@example.com) edits the runbook in Confluence"
current=$(curl -fsS -u editor@example.com:editor-token "$CONFLUENCE_URL/wiki/api/v2/pages/$runbook_id")
python3 - "$current" >"$work/edit.json" <<'PY'
import json, sys
page = json.loads(sys.argv[1])
print(json.dumps({"id": page["id"], "status": "current", "title": page["title"],
  "body": {"representation": "storage", "value": "<p>Deploys need <b>two</b> approvals now.</p>"},
  "version": {"number": page["version"]["number"] + 1, "message": "Policy update"}}))
PY
curl -fsS -u editor@example.com:editor-token -X PUT -H 'Content-Type: application/json' \
  --data @"$work/edit.json" "$CONFLUENCE_URL/wiki/api/v2/pages/$runbook_id" >/dev/null
echo "The next plan shows their text as what an apply would replace:"
as_bot tf "$work/docs-as-code" plan -no-color 2>&1 | grep -E 'Page Edited Outside Terraform|two</strong> approvals|will be updated' | head -5

step "Deleting a page is denied by policy at plan time"
if as_bot tf "$work/docs-as-code" plan -destroy -no-color >"$work/denied.log" 2>&1; then
  echo "the destroy plan was not denied" >&2
  exit 1
fi
grep -m1 -o 'Operation Denied by Confluence Policy' "$work/denied.log"

step "Audit export of the space (SOC 2-style evidence)"
CONFLUENCE_EMAIL=reader@example.com CONFLUENCE_API_TOKEN=reader-token \
  "$report_cmd" audit --space DOCS --since "$(date -u +%Y-%m-%d)" --format md

step "Requests the emulator served"
curl -fsS "$CONFLUENCE_URL/__emulator/stats" | python3 -c '
import json, sys
s = json.load(sys.stdin)
print(s["total"], "requests,", s["writes"], "writes")
for route, n in sorted(s["by_route"].items(), key=lambda kv: -kv[1])[:8]:
    print("  %4d  %s" % (n, route))'

step "Demo finished: policy enforced at plan time, change approved by a named approver, human edit shown"
