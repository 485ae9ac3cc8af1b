#!/usr/bin/env bash
# Development certificates for the tenet webhook, without cert-manager: a CA and a serving
# certificate for <service>.<namespace>.svc, signed by it.
#
#   deploy/kubernetes/webhook/dev-certs.sh [OUT_DIR]        # default ./tenet-webhook-certs
#   SERVICE=tenet-webhook NAMESPACE=tenet-system DAYS=365 dev-certs.sh
#   EXTRA_SANS="DNS:localhost,IP:127.0.0.1" dev-certs.sh   # also valid for a local run
#   dev-certs.sh --apply [OUT_DIR]    # also create the Secret and set the webhook's caBundle
#
# Writes ca.crt, ca.key, tls.crt and tls.key (keys readable by the owner only). The API
# server trusts only ca.crt (the caBundle) and checks the name tenet-webhook.tenet-system.svc.
set -euo pipefail

apply=false
if [[ "${1:-}" == "--apply" ]]; then
  apply=true
  shift
fi
out="${1:-./tenet-webhook-certs}"
service="${SERVICE:-tenet-webhook}"
namespace="${NAMESPACE:-tenet-system}"
days="${DAYS:-365}"
host="${service}.${namespace}.svc"

command -v openssl >/dev/null || { echo "dev-certs.sh: openssl is needed" >&2; exit 2; }
mkdir -p "$out"
umask 077

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
  -keyout "$out/ca.key" -out "$out/ca.crt" -days "$days" \
  -subj "/CN=tenet-webhook development CA" \
  -addext "basicConstraints=critical,CA:TRUE" \
  -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null

openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
  -keyout "$out/tls.key" -out "$out/tls.csr" -subj "/CN=${host}" 2>/dev/null

extensions="$out/tls.ext"
{
  echo "subjectAltName=DNS:${host},DNS:${host}.cluster.local${EXTRA_SANS:+,${EXTRA_SANS}}"
  echo "basicConstraints=critical,CA:FALSE"
  echo "keyUsage=critical,digitalSignature,keyEncipherment"
  echo "extendedKeyUsage=serverAuth"
} >"$extensions"
openssl x509 -req -in "$out/tls.csr" -CA "$out/ca.crt" -CAkey "$out/ca.key" \
  -CAcreateserial -days "$days" -sha256 -extfile "$extensions" -out "$out/tls.crt" 2>/dev/null
rm -f "$out/tls.csr" "$extensions" "$out/ca.srl"
chmod 0644 "$out/ca.crt" "$out/tls.crt"

ca_bundle="$(base64 <"$out/ca.crt" | tr -d '\n')"
if $apply; then
  kubectl -n "$namespace" create secret tls "${service}-tls" \
    --cert="$out/tls.crt" --key="$out/tls.key" --dry-run=client -o yaml | kubectl apply -f -
  kubectl patch validatingwebhookconfiguration tenet --type=json \
    -p "[{\"op\":\"add\",\"path\":\"/webhooks/0/clientConfig/caBundle\",\"value\":\"${ca_bundle}\"}]"
else
  cat <<NEXT
Wrote $out/{ca.crt,ca.key,tls.crt,tls.key} for ${host}.
Next:
  kubectl -n ${namespace} create secret tls ${service}-tls --cert=$out/tls.crt --key=$out/tls.key
  kubectl patch validatingwebhookconfiguration tenet --type=json \\
    -p '[{"op":"add","path":"/webhooks/0/clientConfig/caBundle","value":"${ca_bundle}"}]'
(or run again with --apply)
NEXT
fi
