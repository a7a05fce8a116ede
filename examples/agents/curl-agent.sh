#!/usr/bin/env bash
# A Placet agent in bash (curl + jq): asks a human "Continue processing?" with an approval review and
# long-polls until the review is answered or expires — the "Long-Polling" flow of the REST API guide.
#
#   PLACET_URL=http://127.0.0.1:3001 PLACET_API_KEY=hp_… PLACET_CHANNEL_ID=… bash curl-agent.sh ["question"]
#
# Exit status: 0 answered, 1 request failed, 2 configuration missing, 3 review expired.
set -euo pipefail

fail() {
  echo "curl-agent: $1" >&2
  exit "${2:-1}"
}

PLACET_URL="${PLACET_URL:-}"
API_KEY="${PLACET_API_KEY:-${API_KEY:-}}"
CHANNEL_ID="${PLACET_CHANNEL_ID:-}"
missing=()
[ -n "$PLACET_URL" ] || missing+=("PLACET_URL (e.g. http://127.0.0.1:3001)")
[ -n "$API_KEY" ] || missing+=("PLACET_API_KEY (or API_KEY): the hp_… key the server printed")
[ -n "$CHANNEL_ID" ] || missing+=("PLACET_CHANNEL_ID: the id of a channel (POST /api/v1/agents)")
if [ "${#missing[@]}" -gt 0 ]; then
  echo "curl-agent: missing environment variables:" >&2
  printf '  %s\n' "${missing[@]}" >&2
  echo "See examples/agents/README.md." >&2
  exit 2
fi
for tool in curl jq; do
  command -v "$tool" >/dev/null 2>&1 || fail "$tool is required but not installed" 2
done
PLACET_URL="${PLACET_URL%/}"
QUESTION="${1:-Continue processing?}"

BODY_FILE=$(mktemp)
trap 'rm -f "$BODY_FILE"' EXIT

# api METHOD PATH [curl options…]: prints the JSON body; fails with the server's message on an HTTP error.
api() {
  local method=$1 path=$2 status
  shift 2
  status=$(curl -sS -o "$BODY_FILE" -w '%{http_code}' --max-time 45 -X "$method" \
    -H "x-api-key: $API_KEY" "$@" "$PLACET_URL$path") || fail "$method $path: could not reach $PLACET_URL"
  if [ "$status" -lt 200 ] || [ "$status" -gt 299 ]; then
    fail "$method $path answered $status: $(jq -r '.message? // .' "$BODY_FILE" 2>/dev/null || cat "$BODY_FILE")"
  fi
  cat "$BODY_FILE"
}

# 1. Send a message with an approval review.
REQUEST=$(jq -n --arg channel "$CHANNEL_ID" --arg text "$QUESTION" '{
  channelId: $channel,
  text: $text,
  review: {
    type: "approval",
    payload: { options: [ { id: "yes", label: "Yes" }, { id: "no", label: "No" } ] }
  }
}')
MESSAGE_ID=$(api POST /api/v1/messages -H "Content-Type: application/json" --data-binary "$REQUEST" | jq -r '.id')
echo "Asked \"$QUESTION\" (message $MESSAGE_ID); waiting for a human…"

# 2. Long-poll (each call waits up to 30 s) until completed or expired.
while true; do
  RESULT=$(api GET "/api/v1/reviews/$MESSAGE_ID/wait" -G \
    --data-urlencode "channel=$CHANNEL_ID" --data-urlencode "timeout=30000")
  STATUS=$(echo "$RESULT" | jq -r '.status')
  case "$STATUS" in
    completed)
      echo "Response: $(echo "$RESULT" | jq '.message.review.response')"
      echo "Answer: $(echo "$RESULT" | jq -r '.message.review.response.selectedOption')"
      exit 0
      ;;
    expired)
      echo "Review expired"
      exit 3
      ;;
    timeout) ;; # nobody answered yet: poll again
    *) fail "unexpected long-poll answer: $RESULT" ;;
  esac
done
