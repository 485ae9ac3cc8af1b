//! Tests of the built-in functions against Terraform's documented and observed results.

use super::*;

fn ctx() -> EvalContext {
    EvalContext::default()
}

fn s(v: &str) -> Val {
    Val::str(v)
}

#[test]
fn jsonencode_is_compact_and_sorted() {
    let mut m = Map::new();
    m.insert("b".into(), Val::Number(1.0));
    m.insert("a".into(), Val::list(vec![s("x"), Val::Bool(true)]));
    let out = call("jsonencode", vec![Val::object(m)], &ctx()).unwrap();
    assert_eq!(out, s(r#"{"a":["x",true],"b":1}"#));
}

#[test]
fn unknown_arguments_give_unknown() {
    assert_eq!(
        call("upper", vec![Val::Unknown], &ctx()).unwrap(),
        Val::Unknown
    );
    assert_eq!(
        call("no_such_function", vec![s("x")], &ctx()).unwrap(),
        Val::Unknown
    );
    let l = Val::list(vec![Val::Unknown, s("a")]);
    assert_eq!(call("length", vec![l], &ctx()).unwrap(), Val::Number(2.0));
}

#[test]
fn format_verbs() {
    let out = call(
        "format",
        vec![
            s("%s-%03d-%q-%.2f%%"),
            s("a"),
            Val::Number(7.0),
            s("q"),
            Val::Number(1.5),
        ],
        &ctx(),
    );
    assert_eq!(out.unwrap(), s("a-007-\"q\"-1.50%"));
    assert!(call("format", vec![s("%s %s"), s("a")], &ctx()).is_err());
    let out = call(
        "format",
        vec![
            s("%+d|%.2s|%e|%-4s|%05.1f"),
            Val::Number(5.0),
            s("abc"),
            Val::Number(150.0),
            s("x"),
            Val::Number(-2.5),
        ],
        &ctx(),
    );
    assert_eq!(out.unwrap(), s("+5|ab|1.500000e+02|x   |-02.5"));
    assert!(call("format", vec![s("%999999999999s"), s("a")], &ctx()).is_err());
}

#[test]
fn collection_functions() {
    let l = |v: Vec<Val>| Val::list(v);
    assert_eq!(
        call("concat", vec![l(vec![s("a")]), l(vec![s("b")])], &ctx()).unwrap(),
        l(vec![s("a"), s("b")])
    );
    assert_eq!(
        call("flatten", vec![l(vec![l(vec![s("a")]), s("b")])], &ctx()).unwrap(),
        l(vec![s("a"), s("b")])
    );
    assert_eq!(
        call(
            "element",
            vec![l(vec![s("a"), s("b")]), Val::Number(3.0)],
            &ctx()
        )
        .unwrap(),
        s("b")
    );
    assert_eq!(
        call("coalesce", vec![Val::Null, s(""), s("x")], &ctx()).unwrap(),
        s("x")
    );
    assert_eq!(
        call("compact", vec![l(vec![s(""), s("a"), Val::Null])], &ctx()).unwrap(),
        l(vec![s("a")])
    );
    assert_eq!(
        call("split", vec![s(","), s("a,b")], &ctx()).unwrap(),
        l(vec![s("a"), s("b")])
    );
    assert_eq!(
        call(
            "join",
            vec![s("-"), l(vec![s("a"), Val::Number(1.0)])],
            &ctx()
        )
        .unwrap(),
        s("a-1")
    );
}

fn n(v: f64) -> Val {
    Val::Number(v)
}

fn l(items: Vec<Val>) -> Val {
    Val::list(items)
}

fn strs(items: &[&str]) -> Val {
    Val::list(items.iter().map(|v| s(v)).collect())
}

fn obj(pairs: &[(&str, Val)]) -> Val {
    Val::object(
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
    )
}

/// Calls with a default context; panics on an error.
fn ok(name: &str, args: Vec<Val>) -> Val {
    match call(name, args, &ctx()) {
        Ok(v) => v,
        Err(e) => panic!("{name}: unexpected error {e}"),
    }
}

/// Calls with a default context; panics unless the call is an error.
fn fails(name: &str, args: Vec<Val>) -> String {
    match call(name, args, &ctx()) {
        Ok(v) => panic!("{name}: expected an error, got {v:?}"),
        Err(e) => e.0,
    }
}

#[test]
fn cidrsubnet_ipv4_and_ipv6() {
    let sub = |p: &str, b: f64, num: f64| ok("cidrsubnet", vec![s(p), n(b), n(num)]);
    // Terraform's documented examples.
    assert_eq!(sub("172.16.0.0/12", 4.0, 2.0), s("172.18.0.0/16"));
    assert_eq!(sub("10.1.2.0/24", 4.0, 15.0), s("10.1.2.240/28"));
    assert_eq!(
        sub("fd00:fd12:3456:7890::/56", 16.0, 162.0),
        s("fd00:fd12:3456:7800:a200::/72")
    );
    assert_eq!(
        sub("2607:f298:6051:516c::/64", 8.0, 2.0),
        s("2607:f298:6051:516c:200::/72")
    );
    // Host bits of the prefix are cleared; leading zeros are decimal.
    assert_eq!(sub("10.1.2.77/24", 0.0, 0.0), s("10.1.2.0/24"));
    assert_eq!(sub("010.001.0.0/16", 8.0, 9.0), s("10.1.9.0/24"));
    // More than 64 new bits: the subnet number is used whole.
    assert_eq!(sub("::/0", 100.0, 2f64.powi(70)), s("0:4::/100"));
    let e = fails("cidrsubnet", vec![s("10.0.0.0/24"), n(9.0), n(0.0)]);
    assert!(
        e.contains("insufficient address space to extend prefix of 24 by 9"),
        "{e}"
    );
    let e = fails("cidrsubnet", vec![s("10.0.0.0/24"), n(4.0), n(16.0)]);
    assert!(
        e.contains("prefix extension of 4 does not accommodate a subnet numbered 16"),
        "{e}"
    );
    for bad in [
        "10.0.0.0/33",
        "10.0.0/8",
        "10.0.0.256/8",
        "10.0.0.0",
        "1:2:3:4:5:6:7::8/64",
        "::ffff::1/64",
        "10.0.0.0/ 8",
    ] {
        let e = fails("cidrsubnet", vec![s(bad), n(1.0), n(0.0)]);
        assert!(e.contains("invalid CIDR"), "{bad}: {e}");
    }
    assert!(call("cidrsubnet", vec![s("10.0.0.0/8"), n(1.5), n(0.0)], &ctx()).is_err());
    assert!(call("cidrsubnet", vec![s("10.0.0.0/8"), n(8.0), n(0.5)], &ctx()).is_err());
    // go-cidr garbles these: unknown, not a guess.
    assert_eq!(sub("10.0.0.0/8", -1.0, 0.0), Val::Unknown);
    assert_eq!(sub("10.0.0.0/8", 8.0, -1.0), Val::Unknown);
    assert_eq!(sub("10.0.0.0/8", 8.0, 2f64.powi(64)), Val::Unknown);
    assert_eq!(sub("::ffff:10.0.0.0/104", 8.0, 1.0), Val::Unknown);
}

#[test]
fn cidrhost_counts_from_either_end() {
    let host = |p: &str, num: f64| ok("cidrhost", vec![s(p), n(num)]);
    assert_eq!(host("10.12.112.0/20", 16.0), s("10.12.112.16"));
    assert_eq!(host("10.12.112.0/20", 268.0), s("10.12.113.12"));
    assert_eq!(host("10.12.127.0/20", 16.0), s("10.12.112.16"));
    assert_eq!(
        host("fd00:fd12:3456:7890:00a2::/72", 34.0),
        s("fd00:fd12:3456:7890::22")
    );
    assert_eq!(host("10.0.0.0/8", 2.0), s("10.0.0.2"));
    assert_eq!(host("10.0.0.0/8", -2.0), s("10.255.255.254"));
    assert_eq!(host("10.0.0.0/30", -4.0), s("10.0.0.0"));
    assert_eq!(host("10.0.0.0/32", 0.0), s("10.0.0.0"));
    assert_eq!(host("64:ff9b::192.0.2.0/120", 1.0), s("64:ff9b::c000:201"));
    assert_eq!(host("::/0", 2f64.powi(100)), s("0:10::"));
    assert_eq!(
        host("2001:db8::/32", -1.0),
        s("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff")
    );
    // Go prints IPv4-mapped addresses as IPv4.
    assert_eq!(host("::/0", 0xffff_0a00_0001_u64 as f64), s("10.0.0.1"));
    let e = fails("cidrhost", vec![s("10.0.0.0/30"), n(4.0)]);
    assert!(
        e.contains("prefix of 30 does not accommodate a host numbered 4"),
        "{e}"
    );
    let e = fails("cidrhost", vec![s("10.0.0.0/30"), n(-5.0)]);
    assert!(
        e.contains("prefix of 30 does not accommodate a host numbered -1"),
        "{e}"
    );
    assert!(call("cidrhost", vec![s("10.0.0.0/8"), n(1.5)], &ctx()).is_err());
    assert!(call("cidrhost", vec![s("not a cidr"), n(1.0)], &ctx()).is_err());
    // go-cidr's 64-bit check wraps from 2^63 on.
    assert_eq!(host("10.0.0.0/8", 2f64.powi(63)), Val::Unknown);
    assert_eq!(host("::ffff:10.0.0.0/104", 1.0), Val::Unknown);
}

#[test]
fn cidrnetmask_is_ipv4_only() {
    assert_eq!(
        ok("cidrnetmask", vec![s("172.16.0.0/12")]),
        s("255.240.0.0")
    );
    assert_eq!(ok("cidrnetmask", vec![s("10.0.0.0/0")]), s("0.0.0.0"));
    assert_eq!(
        ok("cidrnetmask", vec![s("10.1.2.3/32")]),
        s("255.255.255.255")
    );
    let e = fails("cidrnetmask", vec![s("fd00::/8")]);
    assert!(e.contains("IPv6 addresses cannot have a netmask"), "{e}");
    assert!(call("cidrnetmask", vec![s("10.0.0.0/40")], &ctx()).is_err());
}

#[test]
fn cidrsubnets_allocates_consecutively() {
    let subs = |args: &[f64], p: &str| {
        let mut a = vec![s(p)];
        a.extend(args.iter().map(|x| n(*x)));
        call("cidrsubnets", a, &ctx())
    };
    assert_eq!(
        subs(&[4.0, 4.0, 8.0, 4.0], "10.1.0.0/16").unwrap(),
        strs(&[
            "10.1.0.0/20",
            "10.1.16.0/20",
            "10.1.32.0/24",
            "10.1.48.0/20"
        ])
    );
    assert_eq!(
        subs(&[16.0, 16.0, 16.0, 32.0], "fd00:fd12:3456:7890::/56").unwrap(),
        strs(&[
            "fd00:fd12:3456:7800::/72",
            "fd00:fd12:3456:7800:100::/72",
            "fd00:fd12:3456:7800:200::/72",
            "fd00:fd12:3456:7800:300::/88",
        ])
    );
    // A bigger block after a smaller one is aligned to its own size.
    assert_eq!(
        subs(&[8.0, 4.0], "10.0.0.0/8").unwrap(),
        strs(&["10.0.0.0/16", "10.16.0.0/12"])
    );
    assert_eq!(subs(&[], "10.0.0.0/8").unwrap(), l(vec![]));
    let e = subs(&[1.0, 1.0, 1.0], "10.0.0.0/30").unwrap_err().0;
    assert!(e.contains("not enough remaining address space for a subnet with a prefix of 31 bits after 10.0.0.2/31"), "{e}");
    assert!(
        subs(&[0.0], "10.0.0.0/8")
            .unwrap_err()
            .0
            .contains("at least one bit")
    );
    assert!(
        subs(&[33.0], "fd00::/8")
            .unwrap_err()
            .0
            .contains("more than 32 bits")
    );
    let e = subs(&[9.0], "10.0.0.0/24").unwrap_err().0;
    assert!(
        e.contains("would extend prefix to 33 bits, which is too long for an IPv4 address"),
        "{e}"
    );
    // Terraform fails on an all-zero start by mistake (issue 35486): unknown.
    assert_eq!(subs(&[1.0, 1.0], "0.0.0.0/1").unwrap(), Val::Unknown);
}

/// A scanned tree `root` with a module directory `root/mod`, and a directory outside it.
struct Tree {
    _root: tempfile::TempDir,
    _outside: tempfile::TempDir,
    root: std::path::PathBuf,
    outside: std::path::PathBuf,
    ctx: EvalContext,
}

fn tree() -> Tree {
    let root_dir = tempfile::tempdir().unwrap();
    let outside_dir = tempfile::tempdir().unwrap();
    let root = root_dir.path().to_path_buf();
    let outside = outside_dir.path().to_path_buf();
    std::fs::create_dir(root.join("mod")).unwrap();
    std::fs::write(
        root.join("mod/policy.json"),
        "{\"Version\":\"2012-10-17\"}\n",
    )
    .unwrap();
    std::fs::write(root.join("mod/hello.txt"), "hello").unwrap();
    std::fs::write(root.join("mod/binary.bin"), [0xff_u8, 0xfe]).unwrap();
    std::fs::write(root.join("shared.txt"), "shared").unwrap();
    std::fs::write(outside.join("secret.txt"), "secret").unwrap();
    let ctx = EvalContext {
        path_module: ".".into(),
        path_root: ".".into(),
        fs_dir: Some(root.join("mod")),
        fs_root: Some(root.clone()),
    };
    Tree {
        _root: root_dir,
        _outside: outside_dir,
        root,
        outside,
        ctx,
    }
}

#[test]
fn file_reads_inside_the_scanned_tree_only() {
    let t = tree();
    let file = |p: &str| call("file", vec![s(p)], &t.ctx);
    let policy = s("{\"Version\":\"2012-10-17\"}\n");
    assert_eq!(file("policy.json").unwrap(), policy);
    // `"${path.module}/policy.json"` with path.module = ".".
    assert_eq!(file("./policy.json").unwrap(), policy);
    // Cleaned lexically, as Go does: the missing directory does not matter.
    assert_eq!(file("no_such_dir/../policy.json").unwrap(), policy);
    assert_eq!(file("../shared.txt").unwrap(), s("shared"));
    let abs = t.root.join("shared.txt");
    assert_eq!(file(abs.to_str().unwrap()).unwrap(), s("shared"));
    // Outside the root: never read, unknown.
    let secret = t.outside.join("secret.txt");
    assert_eq!(file(secret.to_str().unwrap()).unwrap(), Val::Unknown);
    let mut narrow = t.ctx.clone();
    narrow.fs_root = Some(t.root.join("mod"));
    assert_eq!(
        call("file", vec![s("../shared.txt")], &narrow).unwrap(),
        Val::Unknown
    );
    assert_eq!(
        call("fileexists", vec![s("../shared.txt")], &narrow).unwrap(),
        Val::Unknown
    );
    // Home directory, missing context: unknown; `~user` is Terraform's error.
    assert_eq!(file("~/.aws/credentials").unwrap(), Val::Unknown);
    assert!(file("~bob/x").is_err());
    let mut no_dir = t.ctx.clone();
    no_dir.fs_dir = None;
    assert_eq!(
        call("file", vec![s("hello.txt")], &no_dir).unwrap(),
        Val::Unknown
    );
    let mut no_root = t.ctx.clone();
    no_root.fs_root = None;
    assert_eq!(
        call("file", vec![s("hello.txt")], &no_root).unwrap(),
        Val::Unknown
    );
    assert_eq!(ok("file", vec![s("hello.txt")]), Val::Unknown);
}

#[test]
fn file_errors_as_terraform_does() {
    let t = tree();
    let file = |name: &str, p: &str| call(name, vec![s(p)], &t.ctx);
    let e = file("file", "missing.txt").unwrap_err().0;
    assert!(e.contains("no file exists at missing.txt"), "{e}");
    assert!(file("file", "no/such/dir/x.txt").is_err());
    // Missing, but its nearest existing ancestor is outside the root: unknown.
    assert_eq!(file("file", "../../nowhere/x.txt").unwrap(), Val::Unknown);
    let e = file("file", "binary.bin").unwrap_err().0;
    assert!(e.contains("not valid UTF-8"), "{e}");
    assert!(file("file", ".").unwrap_err().0.contains("is a directory"));
    // Too big: unknown.
    std::fs::write(
        t.root.join("mod/big.txt"),
        vec![b'a'; (files::MAX_FILE_BYTES + 1) as usize],
    )
    .unwrap();
    assert_eq!(file("file", "big.txt").unwrap(), Val::Unknown);
}

#[test]
fn fileexists_and_file_hashes() {
    let t = tree();
    let call_t = |name: &str, p: &str| call(name, vec![s(p)], &t.ctx);
    assert_eq!(call_t("fileexists", "hello.txt").unwrap(), Val::Bool(true));
    assert_eq!(
        call_t("fileexists", "missing.txt").unwrap(),
        Val::Bool(false)
    );
    let e = call_t("fileexists", ".").unwrap_err().0;
    assert!(e.contains("is a directory, not a file"), "{e}");
    let secret = t.outside.join("secret.txt");
    assert_eq!(
        call_t("fileexists", secret.to_str().unwrap()).unwrap(),
        Val::Unknown
    );
    assert_eq!(call_t("filebase64", "binary.bin").unwrap(), s("//4="));
    assert_eq!(
        call_t("filesha256", "hello.txt").unwrap(),
        s("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824")
    );
    assert_eq!(
        call_t("filebase64sha256", "hello.txt").unwrap(),
        s("LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=")
    );
    assert_eq!(call_t("filemd5", "hello.txt").unwrap(), Val::Unknown);
    assert_eq!(
        call("templatefile", vec![s("hello.txt"), obj(&[])], &t.ctx).unwrap(),
        Val::Unknown
    );
}

#[cfg(unix)]
#[test]
fn symlinks_out_of_the_tree_are_not_followed() {
    let t = tree();
    let secret = t.outside.join("secret.txt");
    std::os::unix::fs::symlink(&secret, t.root.join("mod/escape.txt")).unwrap();
    std::os::unix::fs::symlink(&t.outside, t.root.join("mod/escape_dir")).unwrap();
    std::os::unix::fs::symlink(t.root.join("shared.txt"), t.root.join("mod/inside.txt")).unwrap();
    let call_t = |name: &str, p: &str| call(name, vec![s(p)], &t.ctx);
    assert_eq!(call_t("file", "escape.txt").unwrap(), Val::Unknown);
    assert_eq!(
        call_t("file", "escape_dir/secret.txt").unwrap(),
        Val::Unknown
    );
    assert_eq!(call_t("fileexists", "escape.txt").unwrap(), Val::Unknown);
    assert_eq!(call_t("filesha256", "escape.txt").unwrap(), Val::Unknown);
    // A link that stays inside the tree is followed.
    assert_eq!(call_t("file", "inside.txt").unwrap(), s("shared"));
}

#[test]
fn substr_strrev_and_length_count_graphemes() {
    let sub = |st: &str, o: f64, len: f64| ok("substr", vec![s(st), n(o), n(len)]);
    assert_eq!(sub("hello world", 1.0, 4.0), s("ello"));
    assert_eq!(sub("hello", -3.0, 3.0), s("llo"));
    assert_eq!(sub("hello", 1.0, -1.0), s("ello"));
    assert_eq!(sub("hello", 2.0, 0.0), s(""));
    assert_eq!(sub("hello", 10.0, 2.0), s(""));
    assert_eq!(sub("hello", -10.0, 2.0), s("he"));
    // cty quirk: a negative offset with length 0 takes the rest.
    assert_eq!(sub("hello", -3.0, 0.0), s("llo"));
    assert_eq!(sub("héllo wörld", 1.0, 3.0), s("éll"));
    assert_eq!(sub("a\r\nb", 1.0, 1.0), s("\r\n"));
    // Emoji and combining marks need segmentation tables: unknown.
    assert_eq!(sub("🤔🤷", 0.0, 1.0), Val::Unknown);
    assert!(call("substr", vec![s("x"), n(0.5), n(1.0)], &ctx()).is_err());
    assert_eq!(ok("strrev", vec![s("hello")]), s("olleh"));
    assert_eq!(ok("strrev", vec![s("a\r\nb")]), s("b\r\na"));
    assert_eq!(ok("length", vec![s("héllo")]), n(5.0));
    assert_eq!(ok("length", vec![s("e\u{301}")]), Val::Unknown);
}

#[test]
fn trimming_and_case() {
    assert_eq!(ok("trim", vec![s("?!hello?!"), s("!?")]), s("hello"));
    assert_eq!(ok("trim", vec![s("hello"), s("")]), s("hello"));
    assert_eq!(
        ok("trimprefix", vec![s("helloworld"), s("hello")]),
        s("world")
    );
    assert_eq!(
        ok("trimprefix", vec![s("hellohello"), s("hello")]),
        s("hello")
    );
    assert_eq!(
        ok("trimsuffix", vec![s("helloworld"), s("world")]),
        s("hello")
    );
    assert_eq!(ok("trimsuffix", vec![s("hello"), s("x")]), s("hello"));
    assert_eq!(ok("chomp", vec![s("hello\n")]), s("hello"));
    assert_eq!(ok("chomp", vec![s("hello\r\n\n")]), s("hello"));
    assert_eq!(ok("chomp", vec![s("hel\nlo")]), s("hel\nlo"));
    assert_eq!(
        ok("indent", vec![n(2.0), s("[\n  foo,\n  bar,\n]\n")]),
        s("[\n    foo,\n    bar,\n  ]\n  ")
    );
    assert!(call("indent", vec![n(-1.0), s("a\nb")], &ctx()).is_err());
    assert_eq!(ok("indent", vec![n(1e15), s("a\nb")]), Val::Unknown);
    assert_eq!(ok("title", vec![s("hello world")]), s("Hello World"));
    assert_eq!(
        ok("title", vec![s("hello_world-foo.bar")]),
        s("Hello_world-Foo.Bar")
    );
    assert_eq!(ok("title", vec![s("über straße")]), s("Über Straße"));
    assert_eq!(ok("title", vec![s("ǆemal")]), s("ǅemal"));
    assert_eq!(ok("title", vec![s("αβ")]), Val::Unknown);
}

#[test]
fn encodings_and_hashes() {
    assert_eq!(
        ok("base64encode", vec![s("Hello World")]),
        s("SGVsbG8gV29ybGQ=")
    );
    assert_eq!(ok("base64encode", vec![s("")]), s(""));
    assert_eq!(ok("base64encode", vec![s("ab")]), s("YWI="));
    assert_eq!(
        ok("base64decode", vec![s("SGVsbG8gV29ybGQ=")]),
        s("Hello World")
    );
    assert_eq!(ok("base64decode", vec![s("SGVs\nbG8=")]), s("Hello"));
    assert_eq!(ok("base64decode", vec![s("YR==")]), s("a"));
    for bad in ["SGVsbG8", "SGVsbG8==", "YQ==YQ==", "Y===", "SGV$bG8="] {
        assert!(call("base64decode", vec![s(bad)], &ctx()).is_err(), "{bad}");
    }
    let e = fails("base64decode", vec![s("/w==")]);
    assert!(e.contains("not valid UTF-8"), "{e}");
    assert_eq!(
        ok("urlencode", vec![s("Hello World!")]),
        s("Hello+World%21")
    );
    assert_eq!(ok("urlencode", vec![s("☃")]), s("%E2%98%83"));
    assert_eq!(
        ok("urlencode", vec![s("foo:bar@localhost?foo=bar&bar=baz")]),
        s("foo%3Abar%40localhost%3Ffoo%3Dbar%26bar%3Dbaz")
    );
    assert_eq!(ok("urlencode", vec![s("a-b_c.d~e")]), s("a-b_c.d~e"));
    assert_eq!(
        ok("sha256", vec![s("hello")]),
        s("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824")
    );
    assert_eq!(
        ok("base64sha256", vec![s("hello")]),
        s("LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=")
    );
}

#[test]
fn regex_follows_go_semantics() {
    let re = |p: &str, st: &str| call("regex", vec![s(p), s(st)], &ctx());
    // Terraform's documented examples.
    assert_eq!(
        re("[a-z]+", "53453453.345345aaabbbccc23454").unwrap(),
        s("aaabbbccc")
    );
    assert_eq!(
        re(r"(\d\d\d\d)-(\d\d)-(\d\d)", "2019-02-01").unwrap(),
        strs(&["2019", "02", "01"])
    );
    assert_eq!(
        re(
            "^(?:(?P<scheme>[^:/?#]+):)?(?://(?P<authority>[^/?#]*))?",
            "https://terraform.io/docs/"
        )
        .unwrap(),
        obj(&[("authority", s("terraform.io")), ("scheme", s("https"))])
    );
    assert!(
        re("[a-z]+", "53453453.34534523454")
            .unwrap_err()
            .0
            .contains("did not match")
    );
    assert_eq!(re("(a)|(b)", "b").unwrap(), l(vec![Val::Null, s("b")]));
    assert!(
        re("(a)(?P<x>b)", "ab")
            .unwrap_err()
            .0
            .contains("cannot mix")
    );
    // Go's \d, \w, \b are ASCII-only.
    assert_eq!(re(r"\d+", "١٢٣456").unwrap(), s("456"));
    assert_eq!(re(r"\w+", "héllo").unwrap(), s("h"));
    assert_eq!(re(r"\bfoo\b", "éfoo").unwrap(), s("foo"));
    assert_eq!(re(r"\s+", "a\u{a0}\t b").unwrap(), s("\t "));
    // Go literals that are syntax in Rust.
    assert_eq!(re("a{", "xa{").unwrap(), s("a{"));
    assert_eq!(re("x{01}", "x{01}").unwrap(), s("x{01}"));
    assert_eq!(re(r"\<a\>", "<a>").unwrap(), s("<a>"));
    assert_eq!(re("[[a]+", "x[a[").unwrap(), s("[a["));
    assert_eq!(re("[a&&b]+", "x&&ab").unwrap(), s("&&ab"));
    assert_eq!(re("[a-c-e]+", "x-eab").unwrap(), s("-eab"));
    assert_eq!(re(r"\Qa.b\E+", "a.bb").unwrap(), s("a.bb"));
    assert_eq!(re(r"(?i)[[:upper:]]+\x41", "abcA").unwrap(), s("abcA"));
    assert_eq!(re(r"\pL+", "1ünï2").unwrap(), s("ünï"));
    // Patterns as found in configurations.
    assert_eq!(
        re("^[a-z0-9-]{3,63}$", "my-bucket-1").unwrap(),
        s("my-bucket-1")
    );
    assert_eq!(
        re(
            r"(?i)^arn:aws:iam::(\d{12}):role/(.+)$",
            "ARN:aws:iam::123456789012:role/Admin"
        )
        .unwrap(),
        strs(&["123456789012", "Admin"])
    );
    assert_eq!(re(r"[^\s,]+", " a,b").unwrap(), s("a"));
    assert_eq!(re(r"[\d\s]+", "x1 2y").unwrap(), s("1 2"));
    assert_eq!(re(r"\.tf$", "main.tf").unwrap(), s(".tf"));
    // A `]` first in a class is a member.
    assert_eq!(re("[]a]+", "x]a]").unwrap(), s("]a]"));
    assert_eq!(re("[^]a]+", "]ab").unwrap(), s("b"));
    // Patterns Go rejects or tenet cannot translate faithfully: unknown.
    for p in [
        "a**",
        "a{1001}",
        r"\1",
        "(?x)a",
        r"\p{greek}",
        r"(?P<1a>x)",
        "(?=a)",
    ] {
        assert_eq!(re(p, "a").unwrap(), Val::Unknown, "{p}");
    }
    let all = |p: &str, st: &str| ok("regexall", vec![s(p), s(st)]);
    assert_eq!(all("[a-z]+", "1234abcd5678efgh9"), strs(&["abcd", "efgh"]));
    assert_eq!(all("[a-z]+", "123456789"), l(vec![]));
    // Go drops an empty match right after a match.
    assert_eq!(all("a*", "baaab"), strs(&["", "aaa", ""]));
    assert_eq!(all("", "ab"), strs(&["", "", ""]));
    assert_eq!(
        all(r"(\w)=(\d)", "a=1,b=2"),
        l(vec![strs(&["a", "1"]), strs(&["b", "2"])])
    );
}

#[test]
fn replace_with_a_pattern() {
    let rep = |st: &str, p: &str, w: &str| ok("replace", vec![s(st), s(p), s(w)]);
    assert_eq!(rep("hello world", "/o(.)/", "0$1"), s("hell0 w0rld"));
    assert_eq!(rep("abc", "/x*/", "-"), s("-a-b-c-"));
    assert_eq!(rep("ab", "/(a)/", "${1}x"), s("axb"));
    // `$1x` names group "1x", which does not exist.
    assert_eq!(rep("ab", "/(a)/", "$1x"), s("b"));
    assert_eq!(rep("ab", "/(?P<first>a)/", "[$first$$]"), s("[a$]b"));
    assert_eq!(rep("a.b", "/[^a-z0-9]/", ""), s("ab"));
    assert_eq!(rep("ab", "/a**/", "x"), Val::Unknown);
}

#[test]
fn number_functions() {
    assert_eq!(ok("abs", vec![n(-12.4)]), n(12.4));
    assert_eq!(ok("ceil", vec![n(5.1)]), n(6.0));
    assert_eq!(ok("floor", vec![n(-5.1)]), n(-6.0));
    assert_eq!(ok("floor", vec![s("4.9")]), n(4.0));
    assert_eq!(ok("signum", vec![n(-13.0)]), n(-1.0));
    assert_eq!(ok("signum", vec![n(0.0)]), n(0.0));
    assert_eq!(ok("signum", vec![n(344.0)]), n(1.0));
    assert!(call("signum", vec![n(0.5)], &ctx()).is_err());
    assert_eq!(ok("pow", vec![n(3.0), n(2.0)]), n(9.0));
    assert_eq!(ok("pow", vec![n(4.0), n(0.0)]), n(1.0));
    assert_eq!(ok("pow", vec![n(2.0), n(-2.0)]), n(0.25));
    assert_eq!(ok("pow", vec![n(4.0), n(0.5)]), n(2.0));
    assert_eq!(
        ok("pow", vec![n(2.0), n(60.0)]),
        n(1_152_921_504_606_846_976.0)
    );
    assert_eq!(ok("pow", vec![n(-2.0), n(3.0)]), n(-8.0));
    assert_eq!(ok("pow", vec![n(0.0), n(-1.0)]), n(f64::INFINITY));
    assert!(call("pow", vec![n(-8.0), n(1.5)], &ctx()).is_err());
    // Inexact in f64: Go's last bit is not reproduced.
    assert_eq!(ok("pow", vec![n(2.0), n(0.3)]), Val::Unknown);
    assert_eq!(ok("pow", vec![n(3.0), n(40.0)]), Val::Unknown);
    // 1/10 correctly rounded, as Go's algorithm also gives.
    assert_eq!(ok("pow", vec![n(10.0), n(-1.0)]), n(0.1));
    assert_eq!(ok("pow", vec![n(3.0), n(-40.0)]), Val::Unknown);
    assert_eq!(ok("log", vec![n(8.0), n(2.0)]), Val::Unknown);
}

#[test]
fn parseint_bases() {
    let p = |st: &str, b: f64| call("parseint", vec![s(st), n(b)], &ctx());
    assert_eq!(p("100", 10.0).unwrap(), n(100.0));
    assert_eq!(p("FF", 16.0).unwrap(), n(255.0));
    assert_eq!(p("ff", 16.0).unwrap(), n(255.0));
    assert_eq!(p("-10", 16.0).unwrap(), n(-16.0));
    assert_eq!(p("+7", 8.0).unwrap(), n(7.0));
    assert_eq!(p("1011111011101111", 2.0).unwrap(), n(48879.0));
    assert_eq!(p("aA", 62.0).unwrap(), n(656.0));
    assert_eq!(p("zzzzzzzzzzzzzz", 36.0).unwrap(), Val::Unknown);
    for (st, b) in [
        ("12", 2.0),
        ("", 10.0),
        ("-", 10.0),
        ("1_000", 10.0),
        ("0x10", 16.0),
    ] {
        assert!(p(st, b).unwrap_err().0.contains("cannot parse"), "{st}");
    }
    assert!(p("10", 1.0).unwrap_err().0.contains("between 2 and 62"));
    assert!(p("10", 63.0).is_err());
    assert!(call("parseint", vec![n(10.0), n(10.0)], &ctx()).is_err());
}

#[test]
fn range_sequences() {
    let r = |args: &[f64]| call("range", args.iter().map(|x| n(*x)).collect(), &ctx());
    let nums = |xs: &[f64]| l(xs.iter().map(|x| n(*x)).collect());
    assert_eq!(r(&[3.0]).unwrap(), nums(&[0.0, 1.0, 2.0]));
    assert_eq!(r(&[1.0, 4.0]).unwrap(), nums(&[1.0, 2.0, 3.0]));
    assert_eq!(r(&[1.0, 8.0, 2.0]).unwrap(), nums(&[1.0, 3.0, 5.0, 7.0]));
    assert_eq!(
        r(&[1.0, 4.0, 0.5]).unwrap(),
        nums(&[1.0, 1.5, 2.0, 2.5, 3.0, 3.5])
    );
    assert_eq!(r(&[4.0, 1.0]).unwrap(), nums(&[4.0, 3.0, 2.0]));
    assert_eq!(r(&[-3.0]).unwrap(), nums(&[0.0, -1.0, -2.0]));
    assert_eq!(r(&[10.0, 5.0, -2.0]).unwrap(), nums(&[10.0, 8.0, 6.0]));
    assert_eq!(r(&[0.0]).unwrap(), l(vec![]));
    assert_eq!(
        r(&[0.0, 1024.0]).unwrap().elements().map(<[Val]>::len),
        Some(1024)
    );
    assert!(r(&[0.0, 1025.0]).unwrap_err().0.contains("more than 1024"));
    assert!(r(&[0.0, 1e300]).unwrap_err().0.contains("more than 1024"));
    assert!(
        r(&[0.0, f64::INFINITY])
            .unwrap_err()
            .0
            .contains("more than 1024")
    );
    assert!(r(&[5.0, -1e300]).unwrap_err().0.contains("more than 1024"));
    assert!(
        r(&[1.0, 4.0, -1.0])
            .unwrap_err()
            .0
            .contains("end must be less than start")
    );
    assert!(
        r(&[4.0, 1.0, 1.0])
            .unwrap_err()
            .0
            .contains("end must be greater than start")
    );
    assert!(
        r(&[0.0, 0.0, 0.0])
            .unwrap_err()
            .0
            .contains("step must not be zero")
    );
    assert!(r(&[]).is_err());
    // 0.1 is not exact in binary: Terraform's big-number sums differ from f64's.
    assert_eq!(r(&[0.0, 1.0, 0.1]).unwrap(), Val::Unknown);
}

#[test]
fn list_functions() {
    let abcd = strs(&["a", "b", "c", "d"]);
    assert_eq!(
        ok("slice", vec![abcd.clone(), n(1.0), n(3.0)]),
        strs(&["b", "c"])
    );
    assert_eq!(ok("slice", vec![abcd.clone(), n(4.0), n(4.0)]), l(vec![]));
    for (a, b) in [(3.0, 1.0), (0.0, 5.0), (-1.0, 2.0)] {
        assert!(call("slice", vec![abcd.clone(), n(a), n(b)], &ctx()).is_err());
    }
    let set = Val::set(vec![s("a")]);
    assert!(fails("slice", vec![set.clone(), n(0.0), n(1.0)]).contains("cannot slice a set"));
    assert_eq!(
        ok("reverse", vec![strs(&["a", "b", "c"])]),
        strs(&["c", "b", "a"])
    );
    assert_eq!(
        ok("sort", vec![strs(&["e", "d", "a", "x"])]),
        strs(&["a", "d", "e", "x"])
    );
    assert_eq!(
        ok("sort", vec![l(vec![n(2.0), n(10.0)])]),
        strs(&["10", "2"])
    );
    assert!(call("sort", vec![l(vec![Val::Null])], &ctx()).is_err());
    assert_eq!(ok("index", vec![strs(&["a", "b", "c"]), s("b")]), n(1.0));
    assert!(fails("index", vec![strs(&["a"]), s("z")]).contains("item not found"));
    assert!(call("index", vec![l(vec![]), s("z")], &ctx()).is_err());
    assert!(call("index", vec![set, s("a")], &ctx()).is_err());
    assert_eq!(
        ok("sum", vec![l(vec![n(10.0), n(13.0), n(6.0), n(4.5)])]),
        n(33.5)
    );
    assert_eq!(ok("sum", vec![l(vec![s("1"), n(2.0)])]), n(3.0));
    assert_eq!(ok("sum", vec![l(vec![n(0.1), n(0.2)])]), Val::Unknown);
    assert!(call("sum", vec![l(vec![])], &ctx()).is_err());
    assert!(call("sum", vec![l(vec![Val::Bool(true)])], &ctx()).is_err());
    assert_eq!(
        ok("chunklist", vec![strs(&["a", "b", "c", "d", "e"]), n(2.0)]),
        l(vec![strs(&["a", "b"]), strs(&["c", "d"]), strs(&["e"])])
    );
    assert_eq!(
        ok("chunklist", vec![abcd.clone(), n(0.0)]),
        l(vec![abcd.clone()])
    );
    assert_eq!(ok("chunklist", vec![l(vec![]), n(3.0)]), l(vec![]));
    assert!(call("chunklist", vec![abcd.clone(), n(-1.0)], &ctx()).is_err());
    assert_eq!(ok("element", vec![abcd.clone(), n(5.0)]), s("b"));
    assert!(call("element", vec![abcd, n(1e300)], &ctx()).is_err());
}

#[test]
fn set_functions() {
    let set = |v: &[&str]| Val::set(v.iter().map(|x| s(x)).collect());
    assert_eq!(
        ok(
            "setunion",
            vec![strs(&["a", "b"]), strs(&["b", "c"]), strs(&["d"])]
        ),
        set(&["a", "b", "c", "d"])
    );
    assert_eq!(
        ok(
            "setintersection",
            vec![strs(&["a", "b"]), strs(&["b", "c"]), strs(&["b", "d"])]
        ),
        set(&["b"])
    );
    assert_eq!(
        ok(
            "setsubtract",
            vec![strs(&["a", "b", "c"]), strs(&["a", "c"])]
        ),
        set(&["b"])
    );
    // Strings and numbers unify to strings.
    assert_eq!(
        ok("setunion", vec![strs(&["a"]), l(vec![n(1.0)])]),
        set(&["1", "a"])
    );
    assert_eq!(
        ok("setunion", vec![l(vec![n(1.0)]), l(vec![Val::Bool(true)])]),
        Val::Unknown
    );
    assert!(call("setsubtract", vec![strs(&["a"])], &ctx()).is_err());
    assert!(call("setunion", vec![s("a")], &ctx()).is_err());
    assert_eq!(
        ok(
            "setproduct",
            vec![strs(&["development", "staging"]), strs(&["app1", "app2"])]
        ),
        l(vec![
            strs(&["development", "app1"]),
            strs(&["development", "app2"]),
            strs(&["staging", "app1"]),
            strs(&["staging", "app2"]),
        ])
    );
    assert_eq!(
        ok("setproduct", vec![set(&["a"]), strs(&["b", "c"])]),
        Val::set(vec![strs(&["a", "b"]), strs(&["a", "c"])])
    );
    assert_eq!(ok("setproduct", vec![strs(&["a"]), l(vec![])]), l(vec![]));
    assert!(call("setproduct", vec![strs(&["a"])], &ctx()).is_err());
    let big = l((0..200).map(|i| n(f64::from(i))).collect());
    assert_eq!(ok("setproduct", vec![big.clone(), big]), Val::Unknown);
}

#[test]
fn coalescelist_matchkeys_transpose_formatlist() {
    let ab = strs(&["a", "b"]);
    assert_eq!(ok("coalescelist", vec![ab.clone(), strs(&["c"])]), ab);
    assert_eq!(
        ok("coalescelist", vec![l(vec![]), strs(&["c"])]),
        strs(&["c"])
    );
    assert!(call("coalescelist", vec![l(vec![]), l(vec![])], &ctx()).is_err());
    assert!(call("coalescelist", vec![s("a")], &ctx()).is_err());
    assert_eq!(ok("coalescelist", vec![ab.clone(), Val::Unknown]), ab);
    assert_eq!(
        ok("coalescelist", vec![l(vec![]), Val::Unknown]),
        Val::Unknown
    );
    assert_eq!(
        ok(
            "matchkeys",
            vec![
                strs(&["i-123", "i-abc", "i-def"]),
                strs(&["us-west", "us-east", "us-east"]),
                strs(&["us-east"]),
            ]
        ),
        strs(&["i-abc", "i-def"])
    );
    assert_eq!(
        ok(
            "matchkeys",
            vec![ab.clone(), l(vec![n(1.0), n(2.0)]), strs(&["2"])]
        ),
        strs(&["b"])
    );
    assert_eq!(
        ok("matchkeys", vec![ab.clone(), ab.clone(), l(vec![])]),
        l(vec![])
    );
    assert!(
        call(
            "matchkeys",
            vec![ab.clone(), strs(&["x"]), ab.clone()],
            &ctx()
        )
        .is_err()
    );
    assert_eq!(
        ok(
            "transpose",
            vec![obj(&[("a", strs(&["1", "2"])), ("b", strs(&["2", "3"]))])]
        ),
        obj(&[
            ("1", strs(&["a"])),
            ("2", strs(&["a", "b"])),
            ("3", strs(&["b"])),
        ])
    );
    assert!(call("transpose", vec![obj(&[("a", s("x"))])], &ctx()).is_err());
    assert_eq!(
        ok(
            "formatlist",
            vec![s("Hello, %s!"), strs(&["Valentina", "Ander"])]
        ),
        strs(&["Hello, Valentina!", "Hello, Ander!"])
    );
    assert_eq!(
        ok(
            "formatlist",
            vec![
                s("%s, %s!"),
                s("Salutations"),
                strs(&["Valentina", "Ander"])
            ]
        ),
        strs(&["Salutations, Valentina!", "Salutations, Ander!"])
    );
    assert_eq!(ok("formatlist", vec![s("x")]), strs(&["x"]));
    assert_eq!(ok("formatlist", vec![s("%s"), l(vec![])]), l(vec![]));
    let e = fails("formatlist", vec![s("%s%s"), ab, strs(&["x"])]);
    assert!(e.contains("inconsistent"), "{e}");
}
