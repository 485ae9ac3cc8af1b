//! IAM: customer policies, users, groups, roles, inline policies, password policy, account summary.

use super::*;

impl Ctx<'_> {
    // --- IAM ----------------------------------------------------------------------------------

    pub(super) fn iam(&self) -> Part {
        let mut part = Part::default();
        let r = "us-east-1";
        let iam = |action: &str, params: &[(&str, String)]| {
            self.aws
                .query("iam", r, action, "2010-05-08", params)
                .and_then(|x| x.map_err(AwsError::unexpected))
        };
        // Customer-managed policies and their default versions.
        match self.paged_iam("ListPolicies", &[("Scope", "Local".into())], "Policies") {
            Ok(list) => {
                for p in list {
                    let arn = p.get("Arn").cloned().unwrap_or_default();
                    let name = p.get("PolicyName").cloned().unwrap_or_default();
                    let mut res = resource(
                        "aws",
                        "aws_iam_policy",
                        &name,
                        &arn,
                        self.scope(None),
                        obj([
                            ("name", json!(name)),
                            ("arn", json!(arn)),
                            ("path", json!(p.get("Path"))),
                        ]),
                    );
                    let version = p
                        .get("DefaultVersionId")
                        .cloned()
                        .unwrap_or_else(|| "v1".into());
                    match iam(
                        "GetPolicyVersion",
                        &[("PolicyArn", arn.clone()), ("VersionId", version)],
                    )
                    .and_then(|x| document(&x))
                    {
                        Ok(doc) => {
                            if let Json::Object(m) = &mut res.attributes {
                                m.insert("policy".into(), json!(doc));
                            }
                        }
                        Err(e) => {
                            part.gap(
                                "iam:GetPolicyVersion",
                                None,
                                &["aws_iam_policy"],
                                &e,
                                Some(&res),
                                &["policy"],
                            );
                            mark_unknown(&mut res, &["policy"]);
                        }
                    }
                    part.resources.push(res);
                }
            }
            Err(e) => part.gap("iam:ListPolicies", None, &["aws_iam_policy"], &e, None, &[]),
        }
        // Users, with MFA devices, access keys, console password and inline policies.
        match self.paged_iam("ListUsers", &[], "Users") {
            Ok(users) => {
                let done: Vec<Part> = users.par_iter().map(|u| self.iam_user(u)).collect();
                for p in done {
                    part.resources.extend(p.resources);
                    part.gaps.extend(p.gaps);
                }
            }
            Err(e) => part.gap(
                "iam:ListUsers",
                None,
                &["aws_iam_user", "aws_iam_user_policy"],
                &e,
                None,
                &[],
            ),
        }
        // Groups and their inline policies.
        match self.paged_iam("ListGroups", &[], "Groups") {
            Ok(groups) => {
                for g in groups {
                    let name = g.get("GroupName").cloned().unwrap_or_default();
                    let arn = g.get("Arn").cloned().unwrap_or_default();
                    part.resources.push(resource(
                        "aws",
                        "aws_iam_group",
                        &name,
                        &arn,
                        self.scope(None),
                        obj([("name", json!(name)), ("arn", json!(arn))]),
                    ));
                    self.inline_policies(
                        &mut part,
                        "Group",
                        &name,
                        &arn,
                        "aws_iam_group_policy",
                        "group",
                    );
                }
            }
            Err(e) => part.gap(
                "iam:ListGroups",
                None,
                &["aws_iam_group", "aws_iam_group_policy"],
                &e,
                None,
                &[],
            ),
        }
        // Roles and their inline policies.
        match self.paged_iam("ListRoles", &[], "Roles") {
            Ok(roles) => {
                for role in roles {
                    let name = role.get("RoleName").cloned().unwrap_or_default();
                    let arn = role.get("Arn").cloned().unwrap_or_default();
                    let trust = role
                        .get("AssumeRolePolicyDocument")
                        .map(|d| decode_document(d))
                        .unwrap_or_default();
                    part.resources.push(resource(
                        "aws",
                        "aws_iam_role",
                        &name,
                        &arn,
                        self.scope(None),
                        obj([
                            ("name", json!(name)),
                            ("arn", json!(arn)),
                            ("assume_role_policy", json!(trust)),
                        ]),
                    ));
                    self.inline_policies(
                        &mut part,
                        "Role",
                        &name,
                        &arn,
                        "aws_iam_role_policy",
                        "role",
                    );
                }
            }
            Err(e) => part.gap(
                "iam:ListRoles",
                None,
                &["aws_iam_role", "aws_iam_role_policy"],
                &e,
                None,
                &[],
            ),
        }
        // The account password policy: none set means AWS's defaults, which the rule judges
        // as an empty policy.
        let id = self.arn("iam", "", "account-password-policy");
        match self
            .aws
            .query("iam", r, "GetAccountPasswordPolicy", "2010-05-08", &[])
        {
            Ok(Ok(xml)) => match parse(&xml) {
                Ok(doc) => {
                    let p = doc.descendants().find(|n| n.has_tag_name("PasswordPolicy"));
                    let get = |t: &str| p.and_then(|p| text_of(p, t));
                    part.resources.push(resource(
                        "aws",
                        "aws_iam_account_password_policy",
                        "account",
                        &id,
                        self.scope(None),
                        obj([
                            (
                                "minimum_password_length",
                                num(get("MinimumPasswordLength").as_ref()),
                            ),
                            (
                                "require_lowercase_characters",
                                boolean(get("RequireLowercaseCharacters").as_ref()),
                            ),
                            (
                                "require_uppercase_characters",
                                boolean(get("RequireUppercaseCharacters").as_ref()),
                            ),
                            ("require_numbers", boolean(get("RequireNumbers").as_ref())),
                            ("require_symbols", boolean(get("RequireSymbols").as_ref())),
                            (
                                "allow_users_to_change_password",
                                boolean(get("AllowUsersToChangePassword").as_ref()),
                            ),
                            ("max_password_age", num(get("MaxPasswordAge").as_ref())),
                            (
                                "password_reuse_prevention",
                                num(get("PasswordReusePrevention").as_ref()),
                            ),
                            ("hard_expiry", boolean(get("HardExpiry").as_ref())),
                        ]
                        .into_iter()
                        .filter(|(_, v)| !v.is_null())),
                    ));
                }
                Err(e) => part.gap(
                    "iam:GetAccountPasswordPolicy",
                    None,
                    &["aws_iam_account_password_policy"],
                    &e,
                    None,
                    &[],
                ),
            },
            Ok(Err(e)) if e.code == "NoSuchEntity" => part.resources.push(resource(
                "aws",
                "aws_iam_account_password_policy",
                "account (none set: AWS defaults)",
                &id,
                self.scope(None),
                Map::new(),
            )),
            Ok(Err(e)) => part.gap(
                "iam:GetAccountPasswordPolicy",
                None,
                &["aws_iam_account_password_policy"],
                &e.unexpected(),
                None,
                &[],
            ),
            Err(e) => part.gap(
                "iam:GetAccountPasswordPolicy",
                None,
                &["aws_iam_account_password_policy"],
                &e,
                None,
                &[],
            ),
        }
        // The account summary: root MFA and root access keys.
        match iam("GetAccountSummary", &[]).and_then(|x| {
            let doc = parse(&x)?;
            let mut m = Map::new();
            for e in doc.descendants().filter(|n| n.has_tag_name("entry")) {
                if let (Some(k), Some(v)) = (text_of(e, "key"), text_of(e, "value")) {
                    m.insert(k, num(Some(&v)));
                }
            }
            Ok(m)
        }) {
            Ok(m) => part.resources.push(resource(
                "aws",
                "aws_iam_account_summary",
                "account",
                &self.arn("iam", "", "account-summary"),
                self.scope(None),
                obj([
                    (
                        "account_mfa_enabled",
                        json!(
                            m.get("AccountMFAEnabled")
                                .and_then(Json::as_f64)
                                .map(|v| v >= 1.0)
                        ),
                    ),
                    (
                        "account_access_keys_present",
                        json!(
                            m.get("AccountAccessKeysPresent")
                                .and_then(Json::as_f64)
                                .map(|v| v >= 1.0)
                        ),
                    ),
                    ("summary", Json::Object(m)),
                ]),
            )),
            Err(e) => part.gap(
                "iam:GetAccountSummary",
                None,
                &["aws_iam_account_summary"],
                &e,
                None,
                &[],
            ),
        }
        part
    }

    pub(super) fn iam_user(&self, u: &Flat) -> Part {
        let mut part = Part::default();
        let name = u.get("UserName").cloned().unwrap_or_default();
        let arn = u.get("Arn").cloned().unwrap_or_default();
        let mut user = resource(
            "aws",
            "aws_iam_user",
            &name,
            &arn,
            self.scope(None),
            obj([
                ("name", json!(name)),
                ("arn", json!(arn)),
                ("create_date", json!(u.get("CreateDate"))),
                ("password_last_used", json!(u.get("PasswordLastUsed"))),
            ]),
        );
        let mut unknown = Vec::new();
        let user_param = [("UserName", name.clone())];
        match self.paged_iam("ListMFADevices", &user_param, "MFADevices") {
            Ok(devs) => set(
                &mut user,
                "mfa_devices",
                json!(
                    devs.iter()
                        .filter_map(|d| d.get("SerialNumber"))
                        .collect::<Vec<_>>()
                ),
            ),
            Err(e) => {
                part.gap(
                    "iam:ListMFADevices",
                    None,
                    &["aws_iam_user"],
                    &e,
                    Some(&user),
                    &["mfa_devices"],
                );
                unknown.push("mfa_devices");
            }
        }
        match self.paged_iam("ListAccessKeys", &user_param, "AccessKeyMetadata") {
            Ok(keys) => set(
                &mut user,
                "access_keys",
                json!(
                    keys.iter()
                        .map(|k| json!({
                            "id": k.get("AccessKeyId"),
                            "status": k.get("Status"),
                            "create_date": k.get("CreateDate"),
                        }))
                        .collect::<Vec<_>>()
                ),
            ),
            Err(e) => {
                part.gap(
                    "iam:ListAccessKeys",
                    None,
                    &["aws_iam_user"],
                    &e,
                    Some(&user),
                    &["access_keys"],
                );
                unknown.push("access_keys");
            }
        }
        match self.aws.query(
            "iam",
            "us-east-1",
            "GetLoginProfile",
            "2010-05-08",
            &user_param,
        ) {
            Ok(Ok(_)) => set(&mut user, "console_password", json!(true)),
            Ok(Err(e)) if e.code == "NoSuchEntity" => {
                set(&mut user, "console_password", json!(false))
            }
            Ok(Err(e)) => {
                part.gap(
                    "iam:GetLoginProfile",
                    None,
                    &["aws_iam_user"],
                    &e.unexpected(),
                    Some(&user),
                    &["console_password"],
                );
                unknown.push("console_password");
            }
            Err(e) => {
                part.gap(
                    "iam:GetLoginProfile",
                    None,
                    &["aws_iam_user"],
                    &e,
                    Some(&user),
                    &["console_password"],
                );
                unknown.push("console_password");
            }
        }
        mark_unknown(&mut user, &unknown);
        self.inline_policies(
            &mut part,
            "User",
            &name,
            &arn,
            "aws_iam_user_policy",
            "user",
        );
        part.resources.push(user);
        part
    }

    /// Inline policies of a user or role (`ListUserPolicies` + `GetUserPolicy`).
    pub(super) fn inline_policies(
        &self,
        part: &mut Part,
        kind: &str,
        owner: &str,
        owner_arn: &str,
        t: &str,
        attr: &'static str,
    ) {
        let param = [(
            match kind {
                "User" => "UserName",
                "Group" => "GroupName",
                _ => "RoleName",
            },
            owner.to_string(),
        )];
        let names = match self.aws.query(
            "iam",
            "us-east-1",
            &format!("List{kind}Policies"),
            "2010-05-08",
            &param,
        ) {
            Ok(Ok(xml)) => match parse(&xml) {
                // More than one page of inline policies (IAM's size limits make this rare):
                // the rest is not read, so the listing is a gap rather than complete.
                Ok(doc)
                    if doc
                        .descendants()
                        .any(|n| n.has_tag_name("IsTruncated") && n.text() == Some("true")) =>
                {
                    part.gap(
                        &format!("iam:List{kind}Policies"),
                        None,
                        &[t],
                        &CallError::Malformed(format!(
                            "{owner} has more inline policies than one page; the rest are not read"
                        )),
                        None,
                        &[],
                    );
                    return;
                }
                Ok(doc) => doc
                    .descendants()
                    .filter(|n| n.has_tag_name("PolicyNames"))
                    .flat_map(|n| n.children().filter(|c| c.has_tag_name("member")))
                    .filter_map(|m| m.text().map(str::to_string))
                    .collect::<Vec<_>>(),
                Err(e) => {
                    part.gap(
                        &format!("iam:List{kind}Policies"),
                        None,
                        &[t],
                        &e,
                        None,
                        &[],
                    );
                    return;
                }
            },
            Ok(Err(e)) => {
                part.gap(
                    &format!("iam:List{kind}Policies"),
                    None,
                    &[t],
                    &e.unexpected(),
                    None,
                    &[],
                );
                return;
            }
            Err(e) => {
                part.gap(
                    &format!("iam:List{kind}Policies"),
                    None,
                    &[t],
                    &e,
                    None,
                    &[],
                );
                return;
            }
        };
        for pname in names {
            let mut res = resource(
                "aws",
                t,
                &format!("{owner}/{pname}"),
                &format!("{owner_arn}/inline-policy/{pname}"),
                self.scope(None),
                obj([("name", json!(pname)), (attr, json!(owner))]),
            );
            let mut params = param.to_vec();
            params.push(("PolicyName", pname.clone()));
            match self
                .aws
                .query(
                    "iam",
                    "us-east-1",
                    &format!("Get{kind}Policy"),
                    "2010-05-08",
                    &params,
                )
                .and_then(|x| x.map_err(AwsError::unexpected))
                .and_then(|x| document(&x))
            {
                Ok(doc) => set(&mut res, "policy", json!(doc)),
                Err(e) => {
                    part.gap(
                        &format!("iam:Get{kind}Policy"),
                        None,
                        &[t],
                        &e,
                        Some(&res),
                        &["policy"],
                    );
                    mark_unknown(&mut res, &["policy"]);
                }
            }
            part.resources.push(res);
        }
    }

    /// An IAM listing followed through `Marker` while `IsTruncated`.
    pub(super) fn paged_iam(
        &self,
        action: &str,
        params: &[(&str, String)],
        list: &str,
    ) -> Result<Vec<Flat>, CallError> {
        crate::live::paged(|marker| {
            let mut p = params.to_vec();
            if let Some(m) = marker {
                p.push(("Marker", m));
            }
            let xml = self
                .aws
                .query("iam", "us-east-1", action, "2010-05-08", &p)?
                .map_err(AwsError::unexpected)?;
            let doc = parse(&xml)?;
            let items = list_items(&doc, list)?;
            let truncated = doc
                .descendants()
                .any(|n| n.has_tag_name("IsTruncated") && n.text() == Some("true"));
            let next = if truncated {
                let marker = doc
                    .descendants()
                    .find(|n| n.has_tag_name("Marker"))
                    .and_then(|n| n.text())
                    .map(str::to_string);
                // Truncated without a marker: the rest cannot be fetched.
                Some(marker.ok_or_else(|| {
                    CallError::Malformed(format!("iam:{action} is truncated but gives no Marker"))
                })?)
            } else {
                None
            };
            Ok((items, next))
        })
    }
}

/// The URL-encoded policy document of an IAM answer, decoded.
fn document(xml: &str) -> Result<String, CallError> {
    let doc = parse(xml)?;
    let raw = text_of(doc.root_element(), "PolicyDocument")
        .or_else(|| text_of(doc.root_element(), "Document"))
        .ok_or_else(|| CallError::Malformed("no policy document in the answer".into()))?;
    Ok(decode_document(&raw))
}

fn decode_document(raw: &str) -> String {
    percent_encoding::percent_decode_str(raw)
        .decode_utf8_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_documents_are_url_decoded() {
        let xml = "<GetPolicyVersionResponse><PolicyVersion><Document>%7B%22Version%22%3A%222012-10-17%22%7D</Document></PolicyVersion></GetPolicyVersionResponse>";
        assert_eq!(document(xml).unwrap(), r#"{"Version":"2012-10-17"}"#);
    }
}
