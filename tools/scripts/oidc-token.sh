#!/usr/bin/env bash
# Prints this GitHub Actions job's OIDC ID token for the registry's audience (LYNX_OIDC_AUDIENCE),
# masked in the log. Needs `permissions: id-token: write`; the token lives minutes, so fetch it in
# the step that uses it. The registry maps it to role ci when its trust policy matches.
set -euo pipefail
: "${ACTIONS_ID_TOKEN_REQUEST_URL:?no OIDC here: the job needs permissions: id-token: write}"
: "${ACTIONS_ID_TOKEN_REQUEST_TOKEN:?no OIDC here: the job needs permissions: id-token: write}"
: "${LYNX_OIDC_AUDIENCE:?set the repository variable LYNX_OIDC_AUDIENCE to the registry's LYNX_OIDC_AUDIENCE}"
token=$(curl -fsS -H "Authorization: bearer ${ACTIONS_ID_TOKEN_REQUEST_TOKEN}" \
  "${ACTIONS_ID_TOKEN_REQUEST_URL}&audience=${LYNX_OIDC_AUDIENCE}" | node -e 'let s="";process.stdin.on("data",(d)=>(s+=d)).on("end",()=>process.stdout.write(JSON.parse(s).value))')

printf '%s' "$token"
