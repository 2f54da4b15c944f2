#!/usr/bin/env bash
# The gitops acceptance by hand, against a running portal on the embedded defaults
# (`node scripts/portal.js start`): guest sign-in, a Workspace created through the API, the change
# branch seen by the real git client, approve + merge through the API, the default branch holding
# the file, the reconciler rendering it to .data/manifests/platform within 2 s and GET /sync
# reporting it Synced at the merge commit, and a stale baseRevision refused with 409.
#
#   plugins/gitops-backend/scripts/acceptance.sh [backend-url]     (default http://localhost:7007)
#
# Needs curl, git and node (for JSON). Each run creates a new Workspace (random name), so it can
# run again on the same .data/.
set -euo pipefail

BACKEND="${1:-http://localhost:7007}"
# the embedded default's directory target (app-config.yaml gitops.repositories[0].sync)
MANIFESTS="${MANIFESTS_DIR:-$(cd "$(dirname "$0")/../../.." && pwd)/.data/manifests/platform}"
API="$BACKEND/api/gitops"
NAME="accept-$(date +%s)-$RANDOM"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

step() { printf '\n== %s\n' "$*"; }
fail() { printf 'FAILED: %s\n' "$*" >&2; exit 1; }
# json <file> <js expression on `j`>: prints the value
json() { node -e "const j=JSON.parse(require('fs').readFileSync(process.argv[1],'utf8')); const v=($2); process.stdout.write(typeof v==='string'?v:JSON.stringify(v))" "$1"; }
# call <method> <path> <expected status> [curl args...]: body in $WORK/body.json
call() {
  local method=$1 path=$2 expected=$3
  shift 3
  local status
  status=$(curl -sS -o "$WORK/body.json" -w '%{http_code}' -X "$method" "$API$path" \
    -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' "$@")
  if [ "$status" != "$expected" ]; then
    cat "$WORK/body.json" >&2
    fail "$method $path answered $status, expected $expected"
  fi
  echo "$method $path -> $status"
}

step "guest token"
# the guest provider is a proxy provider: GET /refresh signs in and returns a Backstage token
curl -sS -f "$BACKEND/api/auth/guest/refresh" -H 'X-Requested-With: XMLHttpRequest' -o "$WORK/session.json" ||
  fail "guest sign-in failed (is the portal running on the embedded defaults?)"
TOKEN=$(json "$WORK/session.json" 'j.backstageIdentity.token')
echo "signed in as $(json "$WORK/session.json" 'j.backstageIdentity.identity.userEntityRef')"

step "schema without sign-in"
curl -sS -f -o /dev/null -w 'GET /schemas/workspace.json -> %{http_code}\n' "$API/schemas/workspace.json"

step "revision of the default branch"
call GET '/resources?kind=workspaces' 200
BASE=$(json "$WORK/body.json" 'j.items[0].revision')
echo "baseRevision $BASE"

step "create Workspace platform/$NAME"
cat > "$WORK/create.json" <<EOF
{
  "operation": "create",
  "kind": "Workspace",
  "namespace": "platform",
  "name": "$NAME",
  "resource": {
    "apiVersion": "butler.butlerlabs.dev/v1alpha1",
    "kind": "Workspace",
    "metadata": { "name": "$NAME", "namespace": "platform" },
    "spec": {
      "owner": "guest@example.com",
      "clusterRef": { "name": "platform-dev" },
      "image": "ghcr.io/butlerdotdev/workspace-base:1.2.0"
    }
  }
}
EOF
call POST /changes 201 --data @"$WORK/create.json" -H "Idempotency-Key: $NAME"
ID=$(json "$WORK/body.json" 'j.id')
BRANCH=$(json "$WORK/body.json" 'j.branch')
ENCODED_ID=$(node -e 'process.stdout.write(encodeURIComponent(process.argv[1]))' "$ID")
echo "change $ID on branch $BRANCH"
call POST /changes 200 --data @"$WORK/create.json" -H "Idempotency-Key: $NAME"
[ "$(json "$WORK/body.json" 'j.id')" = "$ID" ] || fail "the retried request opened another change"
echo "retry with the same Idempotency-Key -> the same change $ID"

step "the change: exactly one added file"
call GET "/changes/$ENCODED_ID" 200
[ "$(json "$WORK/body.json" 'j.files.length')" = 1 ] || fail "expected exactly one file"
json "$WORK/body.json" 'j.files.map(f => f.status + " " + f.path).join("\n")'
echo
json "$WORK/body.json" 'j.files[0].diff'

step "git clone over smart HTTP with the token as password"
ENCODED_TOKEN=$(node -e 'process.stdout.write(encodeURIComponent(process.argv[1]))' "$TOKEN")
GIT_TERMINAL_PROMPT=0 git clone --quiet "http://x:$ENCODED_TOKEN@${BACKEND#http://}/api/gitops/git/platform.git" "$WORK/platform"
git -C "$WORK/platform" branch -r | grep -F "origin/$BRANCH" || fail "branch $BRANCH not in the clone"
CHANGED=$(git -C "$WORK/platform" diff --name-status "origin/main...origin/$BRANCH")
echo "$CHANGED"
[ "$CHANGED" = "A	workspaces/platform/$NAME.yaml" ] || fail "expected exactly one new file"
git -C "$WORK/platform" log -1 --format='author: %an <%ae>' "origin/$BRANCH"

step "approve and merge"
call POST "/changes/$ENCODED_ID/reviews" 201 --data '{"decision":"approve","comment":"acceptance"}'
call POST "/changes/$ENCODED_ID/merge" 200
[ "$(json "$WORK/body.json" 'j.state')" = merged ] || fail "change is not merged"
MERGE_SHA=$(json "$WORK/body.json" 'j.mergeCommitSha')
echo "merge commit $MERGE_SHA"

step "the reconciler: within 2 s the manifest is in the directory target and /sync says Synced"
MANIFEST="$MANIFESTS/workspaces/platform/$NAME.yaml"
synced=''
for _ in $(seq 1 20); do
  curl -sS -o "$WORK/sync.json" "$API/sync" -H "Authorization: Bearer $TOKEN"
  state=$(json "$WORK/sync.json" "(() => { const i = j.items.find(i => i.repository === 'platform'); const r = i && i.resources.find(r => r.namespace === 'platform' && r.name === '$NAME'); return r ? r.status + '@' + r.revision : 'missing'; })()")
  if [ -f "$MANIFEST" ] && [ "$state" = "Synced@$MERGE_SHA" ]; then synced=yes; break; fi
  sleep 0.1
done
[ -n "$synced" ] || { cat "$WORK/sync.json" >&2; fail "not synced within 2 s (manifest $MANIFEST, /sync: $state)"; }
echo "$MANIFEST exists; GET /sync: Workspace platform/$NAME $state"
grep -q 'portal.butlerlabs.dev/managed-by: butler-portal' "$MANIFEST" || fail "the manifest lacks the managed-by label"

step "the default branch holds the file; the change reads merged"
call GET "/resources/workspaces/platform/$NAME" 200
json "$WORK/body.json" 'j.path + " at " + j.revision'
echo
git -C "$WORK/platform" fetch --quiet
git -C "$WORK/platform" show "origin/main:workspaces/platform/$NAME.yaml" > /dev/null || fail "main lacks the file"
echo "git: origin/main has workspaces/platform/$NAME.yaml"
call GET "/changes/$ENCODED_ID" 200
echo "state: $(json "$WORK/body.json" 'j.state')"

step "an update based on the old revision is stale"
sed -e 's/"create"/"update"/' -e 's/workspace-base:1.2.0/workspace-base:1.3.0/' "$WORK/create.json" |
  node -e "const j=JSON.parse(require('fs').readFileSync(0,'utf8')); j.baseRevision=process.argv[1]; process.stdout.write(JSON.stringify(j))" "$BASE" > "$WORK/stale.json"
call POST /changes 409 --data @"$WORK/stale.json"
json "$WORK/body.json" 'j.error.message'
echo

step "ACCEPTANCE PASSED"
