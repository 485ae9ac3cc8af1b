#!/usr/bin/env python3
"""Compares tenet's and Prowler's verdicts on the checks both have, resource by resource.

    prowler_compare.py TENET_JSON TENET_COMPLIANCE_JSON PROWLER_OCSF_JSON TENET_SECONDS \
        PROWLER_SECONDS [PROWLER_SHARED_SECONDS]
    prowler_compare.py --checks        # the shared Prowler checks, space-separated
"""
import json
import sys

# tenet rule -> Prowler check(s) judging the same thing on the same resources.
PAIRS = {
    "aws-s3-encryption-at-rest": ["s3_bucket_default_encryption"],
    "aws-s3-versioning": ["s3_bucket_object_versioning"],
    "aws-s3-access-logging": ["s3_bucket_server_access_logging_enabled"],
    "aws-s3-public-access-block": ["s3_bucket_level_public_access_block"],
    "aws-s3-secure-transport": ["s3_bucket_secure_transport_policy"],
    "aws-s3-public-acl": ["s3_bucket_public_access"],
    "aws-ec2-sg-admin-ports-public": ["ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_22"],
    "aws-vpc-default-sg-restricts": ["ec2_securitygroup_default_restrict_traffic"],
    "aws-ebs-encryption": ["ec2_ebs_volume_encryption"],
    "aws-ebs-default-encryption": ["ec2_ebs_default_encryption"],
    "aws-vpc-flow-logs": ["vpc_flow_logs_enabled"],
    "aws-rds-storage-encrypted": ["rds_instance_storage_encrypted"],
    "aws-rds-public-access": ["rds_instance_no_public_access"],
    "aws-rds-backup-retention": ["rds_instance_backup_enabled"],
    "aws-rds-deletion-protection": ["rds_instance_deletion_protection"],
    "aws-rds-multi-az": ["rds_instance_multi_az"],
    "aws-rds-minor-version-upgrade": ["rds_instance_minor_version_upgrade_enabled"],
    "aws-iam-policy-admin": ["iam_customer_attached_policy_no_administrative_privileges",
                             "iam_customer_unattached_policy_no_administrative_privileges"],
    "aws-iam-password-policy": ["iam_password_policy_minimum_length_14"],
    "aws-iam-user-mfa": ["iam_user_mfa_enabled_console_access"],
    "aws-iam-root-account": ["iam_root_mfa_enabled", "iam_no_root_access_key"],
    "aws-iam-access-key-rotation": ["iam_rotate_access_key_90_days"],
    "aws-kms-key-rotation": ["kms_cmk_rotation_enabled"],
    "aws-cloudtrail-log-validation": ["cloudtrail_log_file_validation_enabled"],
    "aws-cloudtrail-kms": ["cloudtrail_kms_encryption_enabled"],
}


if sys.argv[1:] == ["--checks"]:
    print(" ".join(sorted({c for cs in PAIRS.values() for c in cs})))
    sys.exit(0)


def short(uid):
    """A resource's last name part: bucket, sg-..., vol-..., db id, key id, trail, policy."""
    uid = uid or ""
    # Prowler names the root user; tenet the account summary that describes it.
    if uid.endswith(":root") or uid == "<root_account>":
        return "account-summary"
    for sep in ("/", ":"):
        uid = uid.rsplit(sep, 1)[-1]
    return uid


tenet = json.load(open(sys.argv[1]))
compliance = json.load(open(sys.argv[2]))
prowler = json.load(open(sys.argv[3]))
t_tenet, t_prowler = float(sys.argv[4]), float(sys.argv[5])
t_shared = float(sys.argv[6]) if len(sys.argv) > 6 else None

tenet_fail = {}
for f in tenet["findings"]:
    native = f["resource"]["id"].split("/", 1)[-1]
    tenet_fail.setdefault(f["rule_id"], set()).add(short(native))
# tenet rules that could not decide (a failed call) are reported as such, not as passes.
not_evaluated = {
    r["id"]
    for fw in compliance["frameworks"]
    for c in fw["controls"]
    for r in c["rules"]
    if r["status"] == "not-evaluated" and r.get("evaluated")
}
prowler_status = {}
for finding in prowler:
    check = finding.get("metadata", {}).get("event_code") or finding.get("finding_info", {}).get("uid", "")
    status = finding.get("status_code")
    for res in finding.get("resources", []):
        prowler_status.setdefault(check, {})[short(res.get("uid") or res.get("name"))] = status

rows = []
agree = differ = 0
for rule, checks in PAIRS.items():
    p_fail, p_pass = set(), set()
    for c in checks:
        for res, st in prowler_status.get(c, {}).items():
            (p_fail if st == "FAIL" else p_pass).add(res)
    p_pass -= p_fail
    t_fail = tenet_fail.get(rule, set())
    if not p_fail and not p_pass:
        # Prowler gave no verdict at all (it skipped the check on this inventory).
        rows.append((rule, ",".join(checks), 0, 0, sorted(t_fail), "prowler: no result"))
        continue
    both = t_fail & p_fail
    only_t = t_fail - p_fail
    only_p = p_fail - t_fail
    # Resources Prowler passed that tenet also did not fail agree as passes.
    pass_agree = p_pass - t_fail
    agree += len(both) + len(pass_agree)
    differ += len(only_t) + len(only_p)
    rows.append((rule, ",".join(checks), len(both), len(pass_agree), sorted(only_t), sorted(only_p)))

print(f"{'tenet rule':32} {'fail both':>9} {'pass both':>9}  tenet-only fail / prowler-only fail")
for rule, checks, both, pa, ot, op in rows:
    note = "  (tenet: not-evaluated)" if rule in not_evaluated else ""
    print(f"{rule:32} {both:9} {pa:9}  {ot or '-'} / {op or '-'}{note}")
silent = [r for r in rows if r[5] == "prowler: no result"]
print()
print(f"verdicts on shared checks: {agree} agree, {differ} differ"
      + (f"; Prowler gave no verdict for {', '.join(r[0] for r in silent)}" if silent else ""))
print(f"wall time: tenet {t_tenet:.2f} s; prowler, all {len(set(f['metadata']['event_code'] for f in prowler))} "
      f"checks with results: {t_prowler:.2f} s ({t_prowler / t_tenet:.0f}x)")
if t_shared is not None:
    print(f"prowler, the {sum(len(c) for c in PAIRS.values())} shared checks only: {t_shared:.2f} s "
          f"({t_shared / t_tenet:.0f}x)")
