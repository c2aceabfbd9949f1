#!/usr/bin/env bash
# Obtain an access token from the local Keycloak exactly like the mobile app does:
# authorization code flow + PKCE (S256) with the custom-scheme redirect
# authbackup://oauth2redirect (RFC 8252). The password grant is disabled on the
# client, and would not produce auth_time anyway.
#
# Usage: token.sh [--json] <username> [password]
#   password defaults to the username (local demo users: alice, bob, contoso-admin)
#   --json  print the whole token response instead of just the access token
# Env:   KEYCLOAK_URL (default http://127.0.0.1:8180)
#
# Needs only bash, curl, openssl, sed, grep, tr, mktemp (stock Debian 12).
# LOCAL DEV ONLY.
set -euo pipefail

KEYCLOAK_URL="${KEYCLOAK_URL:-http://127.0.0.1:8180}"
KEYCLOAK_URL="${KEYCLOAK_URL%/}"
REALM="authenticator"
CLIENT_ID="authenticator-app"
REDIRECT_URI="authbackup://oauth2redirect"
SCOPE="openid"

die() { echo "token.sh: $*" >&2; exit 1; }
usage() { echo "usage: $0 [--json] <username> [password]   (env KEYCLOAK_URL, default http://127.0.0.1:8180)" >&2; exit 2; }

json_out=false
args=()
for a in "$@"; do
  case "$a" in
    --json) json_out=true ;;
    -h|--help) usage ;;
    *) args+=("$a") ;;
  esac
done
[ "${#args[@]}" -ge 1 ] && [ "${#args[@]}" -le 2 ] || usage
username="${args[0]}"
password="${args[1]:-$username}"

for t in curl openssl sed grep tr; do
  command -v "$t" >/dev/null 2>&1 || die "required tool '$t' not found"
done

b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
# application/x-www-form-urlencoded / query encoding of one value
urlencode() {
  local s="$1" out="" c i
  local LC_ALL=C
  for ((i = 0; i < ${#s}; i++)); do
    c="${s:i:1}"
    case "$c" in
      [a-zA-Z0-9.~_-]) out+="$c" ;;
      *) out+=$(printf '%%%02X' "'$c") ;;
    esac
  done
  printf '%s' "$out"
}
urldecode() { local s="${1//+/ }"; printf '%b' "${s//%/\\x}"; }
# value of query parameter $2 in URL $1 (empty if absent)
query_param() {
  local q="${1#*\?}" kv
  q="${q%%#*}"
  local IFS='&'
  for kv in $q; do
    if [ "${kv%%=*}" = "$2" ]; then urldecode "${kv#*=}"; return 0; fi
  done
  return 0
}

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
jar="$tmp/cookies"

# --- PKCE (RFC 7636): 32 random bytes -> 43-char base64url verifier, S256 challenge
code_verifier="$(openssl rand 32 | b64url)"
code_challenge="$(printf '%s' "$code_verifier" | openssl dgst -sha256 -binary | b64url)"
state="$(openssl rand 16 | b64url)"
nonce="$(openssl rand 16 | b64url)"

oidc="$KEYCLOAK_URL/realms/$REALM/protocol/openid-connect"
auth_url="$oidc/auth?response_type=code&client_id=$(urlencode "$CLIENT_ID")&redirect_uri=$(urlencode "$REDIRECT_URI")&scope=$(urlencode "$SCOPE")&state=$state&nonce=$nonce&code_challenge=$code_challenge&code_challenge_method=S256"

# --- 1. authorization endpoint -> login page (sets AUTH_SESSION_ID / KC_RESTART cookies)
status="$(curl -sS -o "$tmp/login.html" -w '%{http_code}' -c "$jar" -b "$jar" "$auth_url")" \
  || die "cannot reach Keycloak at $KEYCLOAK_URL (is it running?)"
[ "$status" = "200" ] || die "authorization endpoint returned HTTP $status (realm '$REALM' / client '$CLIENT_ID' configured? is KEYCLOAK_URL right?)"

# login form action, HTML-unescaped
action="$(tr -d '\n\r' < "$tmp/login.html" \
  | grep -oE '<form[^>]*id="kc-form-login"[^>]*>' \
  | grep -oE 'action="[^"]*"' | head -n1 \
  | sed -e 's/^action="//' -e 's/"$//' -e 's/&amp;/\&/g')"
[ -n "$action" ] || die "login form not found in the authorization endpoint response"

# --- 2. post credentials; expect 302 to authbackup://oauth2redirect?...code=... (not followed)
: > "$tmp/headers"
status="$(curl -sS -o "$tmp/post.html" -D "$tmp/headers" -w '%{http_code}' -c "$jar" -b "$jar" \
  --data-urlencode "username=$username" --data-urlencode "password=$password" \
  --data-urlencode "credentialId=" "$action")" || die "posting the login form failed"
location="$(grep -i '^location:' "$tmp/headers" | tail -n1 | sed -e 's/^[Ll]ocation:[[:space:]]*//' | tr -d '\r' || true)"

if [ "$status" != "302" ] || [ -z "$location" ]; then
  err="$(tr -d '\n\r' < "$tmp/post.html" | grep -oE 'id="input-error[^"]*"[^>]*>[^<]*' | head -n1 | sed -e 's/.*>//' -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' || true)"
  [ -n "$err" ] || err="$(tr -d '\n\r' < "$tmp/post.html" | grep -oE 'class="[^"]*(kc-feedback-text|pf-v5-c-alert__title|alert-error)[^"]*"[^>]*>[^<]*' | head -n1 | sed -e 's/.*>//' -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' || true)"
  if grep -q 'kc-form-login' "$tmp/post.html" 2>/dev/null; then
    die "login failed for user '$username': ${err:-invalid username or password}"
  elif grep -qE 'kc-update-profile-form|kc-passwd-update-form|required-action|otp' "$tmp/post.html" 2>/dev/null; then
    die "login for '$username' stopped at a required action page (update profile/password/OTP); fix the user in Keycloak"
  fi
  die "unexpected response after login (HTTP $status${err:+: $err})"
fi

case "$location" in
  "$REDIRECT_URI"\?*|"$REDIRECT_URI"/\?*|"$REDIRECT_URI"\#*) ;;
  *) die "login redirected to unexpected location: $location" ;;
esac

err="$(query_param "$location" error)"
[ -z "$err" ] || die "authorization error: $err $(query_param "$location" error_description)"
[ "$(query_param "$location" state)" = "$state" ] || die "state mismatch in redirect"
code="$(query_param "$location" code)"
[ -n "$code" ] || die "no authorization code in redirect: $location"

# --- 3. code exchange with the PKCE verifier
status="$(curl -sS -o "$tmp/token.json" -w '%{http_code}' \
  --data-urlencode "grant_type=authorization_code" \
  --data-urlencode "client_id=$CLIENT_ID" \
  --data-urlencode "redirect_uri=$REDIRECT_URI" \
  --data-urlencode "code=$code" \
  --data-urlencode "code_verifier=$code_verifier" \
  "$oidc/token")" || die "token endpoint request failed"
[ "$status" = "200" ] || die "token endpoint returned HTTP $status: $(cat "$tmp/token.json")"

if $json_out; then
  cat "$tmp/token.json"; echo
  exit 0
fi

access_token="$(tr -d '\n\r' < "$tmp/token.json" | grep -oE '"access_token"[[:space:]]*:[[:space:]]*"[^"]+"' | sed -e 's/.*:[[:space:]]*"//' -e 's/"$//')"
[ -n "$access_token" ] || die "no access_token in token response"
printf '%s\n' "$access_token"
