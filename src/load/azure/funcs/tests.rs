use super::*;

fn s(v: &str) -> Val {
    Val::str(v)
}

fn n(v: f64) -> Val {
    Val::Number(v)
}

fn list(items: Vec<Val>) -> Val {
    Val::list(items)
}

fn obj(pairs: &[(&str, Val)]) -> Val {
    Val::object(
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_string(), v.clone()))
            .collect(),
    )
}

fn f(name: &str, args: &[Val]) -> Val {
    call(name, args, &mut [], &Context::default()).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn fails(name: &str, args: &[Val]) -> bool {
    call(name, args, &mut [], &Context::default()).is_err()
}

#[test]
fn names_are_case_insensitive_with_namespaces() {
    assert_eq!(f("toLower", &[s("AbC")]), s("abc"));
    assert_eq!(f("sys.toUpper", &[s("abc")]), s("ABC"));
    assert_eq!(f("AZ.Length", &[s("abc")]), n(3.0));
}

#[test]
fn strings() {
    assert_eq!(f("concat", &[s("a"), n(1.0), s("b")]), s("a1b"));
    assert_eq!(
        f("concat", &[list(vec![n(1.0)]), list(vec![n(2.0)])]),
        list(vec![n(1.0), n(2.0)])
    );
    assert_eq!(f("trim", &[s("  x ")]), s("x"));
    assert_eq!(f("substring", &[s("hello"), n(1.0), n(3.0)]), s("ell"));
    assert_eq!(f("substring", &[s("hello"), n(2.0)]), s("llo"));
    assert!(fails("substring", &[s("hello"), n(4.0), n(3.0)]));
    assert_eq!(f("replace", &[s("a-b-c"), s("-"), s("")]), s("abc"));
    assert_eq!(
        f("split", &[s("a,b;c"), list(vec![s(","), s(";")])]),
        list(vec![s("a"), s("b"), s("c")])
    );
    assert_eq!(
        f("split", &[s("a,,b"), s(",")]),
        list(vec![s("a"), s(""), s("b")])
    );
    assert_eq!(f("join", &[list(vec![s("a"), n(1.0)]), s("-")]), s("a-1"));
    assert_eq!(
        f("startsWith", &[s("Microsoft.Web"), s("microsoft.")]),
        Val::Bool(true)
    );
    assert_eq!(f("endsWith", &[s("abc"), s("BC")]), Val::Bool(true));
    assert_eq!(f("indexOf", &[s("abcABC"), s("B")]), n(1.0));
    assert_eq!(f("lastIndexOf", &[s("abcABC"), s("b")]), n(4.0));
    assert_eq!(f("indexOf", &[s("abc"), s("z")]), n(-1.0));
    assert_eq!(f("padLeft", &[n(7.0), n(3.0), s("0")]), s("007"));
    assert_eq!(f("string", &[Val::Bool(true)]), s("True"));
    assert_eq!(f("string", &[obj(&[("a", n(1.0))])]), s("{\"a\":1}"));
    assert_eq!(f("base64", &[s("one, two")]), s("b25lLCB0d28="));
    assert_eq!(f("base64ToString", &[s("b25lLCB0d28=")]), s("one, two"));
    assert_eq!(
        f(
            "uri",
            &[s("https://x.blob.core.windows.net/c/"), s("f.json")]
        ),
        s("https://x.blob.core.windows.net/c/f.json")
    );
    assert_eq!(
        f("uri", &[s("https://x.net/a/main.json"), s("nested/b.json")]),
        s("https://x.net/a/nested/b.json")
    );
    assert_eq!(f("uriComponent", &[s("a b/c")]), s("a%20b%2Fc"));
    assert_eq!(f("uriComponentToString", &[s("a%20b%2Fc")]), s("a b/c"));
    assert_eq!(
        f("dataUriToString", &[s("data:;base64,SGVsbG8=")]),
        s("Hello")
    );
}

#[test]
fn format_follows_dotnet_basics() {
    assert_eq!(f("format", &[s("{0}-{1}"), s("a"), n(2.0)]), s("a-2"));
    assert_eq!(f("format", &[s("{{{0}}}"), s("x")]), s("{x}"));
    assert_eq!(f("format", &[s("{0:N0}"), n(8175133.0)]), s("8,175,133"));
    assert_eq!(f("format", &[s("{0:N}"), n(1234.5)]), s("1,234.50"));
    assert_eq!(f("format", &[s("{0:D3}"), n(7.0)]), s("007"));
    assert_eq!(f("format", &[s("{0,4}|"), s("a")]), s("   a|"));
    assert_eq!(f("format", &[s("{0}"), Val::Unknown]), Val::Unknown);
    assert_eq!(f("format", &[s("{0:yyyy}"), n(1.0)]), Val::Unknown);
    assert!(fails("format", &[s("{1}"), s("a")]));
}

#[test]
fn unknown_arguments_give_unknown() {
    assert_eq!(f("concat", &[s("a"), Val::Unknown]), Val::Unknown);
    assert_eq!(f("toLower", &[Val::Unknown]), Val::Unknown);
    assert_eq!(f("guid", &[s("a")]), Val::Unknown);
    assert_eq!(f("uniqueString", &[s("a")]), Val::Unknown);
    assert_eq!(f("newGuid", &[]), Val::Unknown);
    assert_eq!(f("utcNow", &[]), Val::Unknown);
    assert_eq!(f("reference", &[s("x")]), Val::Unknown);
    assert_eq!(f("listKeys", &[s("x"), s("2021-01-01")]), Val::Unknown);
    assert_eq!(
        f(
            "pickZones",
            &[
                s("Microsoft.Compute"),
                s("virtualMachines"),
                s("westeurope")
            ]
        ),
        Val::Unknown
    );
}

#[test]
fn logic_and_comparison() {
    assert_eq!(f("equals", &[s("a"), s("a")]), Val::Bool(true));
    assert_eq!(f("equals", &[s("a"), s("A")]), Val::Bool(false));
    assert_eq!(
        f(
            "equals",
            &[list(vec![n(1.0)]), list(vec![n(1.0), Val::Unknown])]
        ),
        Val::Bool(false)
    );
    assert_eq!(f("equals", &[s("a"), Val::Unknown]), Val::Unknown);
    assert_eq!(f("not", &[Val::Bool(true)]), Val::Bool(false));
    assert_eq!(f("and", &[Val::Bool(true), Val::Unknown]), Val::Unknown);
    assert_eq!(
        f("and", &[Val::Bool(false), Val::Unknown]),
        Val::Bool(false)
    );
    assert_eq!(f("or", &[Val::Unknown, Val::Bool(true)]), Val::Bool(true));
    assert_eq!(f("bool", &[s("TRUE")]), Val::Bool(true));
    assert_eq!(f("bool", &[n(0.0)]), Val::Bool(false));
    assert_eq!(f("if", &[Val::Bool(false), s("a"), s("b")]), s("b"));
    assert_eq!(f("if", &[Val::Unknown, s("a"), s("b")]), Val::Unknown);
    assert_eq!(f("if", &[Val::Unknown, s("a"), s("a")]), s("a"));
    assert_eq!(f("coalesce", &[Val::Null, s("x"), Val::Unknown]), s("x"));
    assert_eq!(
        f("coalesce", &[Val::Null, Val::Unknown, s("x")]),
        Val::Unknown
    );
    assert_eq!(f("greater", &[n(2.0), n(1.0)]), Val::Bool(true));
    assert_eq!(f("lessOrEquals", &[s("a"), s("b")]), Val::Bool(true));
    assert_eq!(f("greaterOrEquals", &[n(1.0), n(1.0)]), Val::Bool(true));
    assert_eq!(f("less", &[n(1.0), n(1.0)]), Val::Bool(false));
}

#[test]
fn numbers() {
    assert_eq!(f("add", &[n(2.0), n(3.0)]), n(5.0));
    assert_eq!(f("sub", &[n(2.0), n(3.0)]), n(-1.0));
    assert_eq!(f("mul", &[n(2.0), n(3.0)]), n(6.0));
    assert_eq!(f("div", &[n(7.0), n(2.0)]), n(3.0));
    assert_eq!(f("div", &[n(-7.0), n(2.0)]), n(-3.0));
    assert_eq!(f("mod", &[n(-7.0), n(2.0)]), n(-1.0));
    assert!(fails("div", &[n(1.0), n(0.0)]));
    assert_eq!(f("min", &[n(3.0), n(1.0), n(2.0)]), n(1.0));
    assert_eq!(f("max", &[list(vec![n(3.0), n(5.0)])]), n(5.0));
    assert_eq!(f("int", &[s("42")]), n(42.0));
    assert_eq!(
        f("range", &[n(5.0), n(3.0)]),
        list(vec![n(5.0), n(6.0), n(7.0)])
    );
    assert!(fails("range", &[n(0.0), n(100_000.0)]));
}

#[test]
fn arrays_and_objects() {
    let abc = list(vec![s("a"), s("b"), s("c")]);
    assert_eq!(f("array", &[s("x")]), list(vec![s("x")]));
    assert_eq!(
        f("createArray", &[n(1.0), s("x")]),
        list(vec![n(1.0), s("x")])
    );
    assert_eq!(f("createObject", &[s("k"), n(1.0)]), obj(&[("k", n(1.0))]));
    assert_eq!(f("contains", &[s("OneTwo"), s("Two")]), Val::Bool(true));
    assert_eq!(f("contains", &[s("OneTwo"), s("two")]), Val::Bool(false));
    assert_eq!(
        f("contains", &[obj(&[("Key", n(1.0))]), s("key")]),
        Val::Bool(true)
    );
    assert_eq!(f("contains", &[abc.clone(), s("b")]), Val::Bool(true));
    assert_eq!(
        f("contains", &[list(vec![Val::Unknown]), s("b")]),
        Val::Unknown
    );
    assert_eq!(f("empty", &[obj(&[])]), Val::Bool(true));
    assert_eq!(f("empty", &[s("")]), Val::Bool(true));
    assert_eq!(f("empty", &[Val::Null]), Val::Bool(true));
    assert_eq!(f("length", &[list(vec![Val::Unknown, n(1.0)])]), n(2.0));
    assert_eq!(f("first", std::slice::from_ref(&abc)), s("a"));
    assert_eq!(f("last", &[s("xyz")]), s("z"));
    assert_eq!(f("first", &[list(vec![])]), Val::Null);
    assert_eq!(
        f("take", &[abc.clone(), n(2.0)]),
        list(vec![s("a"), s("b")])
    );
    assert_eq!(f("skip", &[s("hello"), n(3.0)]), s("lo"));
    assert_eq!(
        f(
            "union",
            &[list(vec![s("a"), s("b")]), list(vec![s("b"), s("c")])]
        ),
        abc
    );
    assert_eq!(
        f(
            "union",
            &[
                obj(&[("a", obj(&[("x", n(1.0))])), ("b", n(1.0))]),
                obj(&[("a", obj(&[("y", n(2.0))])), ("b", n(2.0))])
            ]
        ),
        obj(&[("a", obj(&[("x", n(1.0)), ("y", n(2.0))])), ("b", n(2.0))])
    );
    assert_eq!(
        f("intersection", &[abc.clone(), list(vec![s("c"), s("a")])]),
        list(vec![s("a"), s("c")])
    );
    assert_eq!(
        f(
            "intersection",
            &[
                obj(&[("a", n(1.0)), ("b", n(2.0))]),
                obj(&[("a", n(1.0)), ("b", n(3.0))])
            ]
        ),
        obj(&[("a", n(1.0))])
    );
    assert_eq!(
        f("items", &[obj(&[("b", n(2.0)), ("a", n(1.0))])]),
        list(vec![
            obj(&[("key", s("a")), ("value", n(1.0))]),
            obj(&[("key", s("b")), ("value", n(2.0))])
        ])
    );
    assert_eq!(
        f("objectKeys", &[obj(&[("a", n(1.0))])]),
        list(vec![s("a")])
    );
    assert_eq!(
        f("json", &[s("{\"a\": [1, null]}")]),
        obj(&[("a", list(vec![n(1.0), Val::Null]))])
    );
    assert_eq!(f("null", &[]), Val::Null);
    assert_eq!(f("tryGet", &[obj(&[("a", n(1.0))]), s("b")]), Val::Null);
    assert_eq!(f("tryGet", &[s("S0"), s("capacity")]), Val::Null);
    assert_eq!(
        f("tryGet", &[obj(&[("a", abc.clone())]), s("a"), n(1.0)]),
        s("b")
    );
    assert_eq!(
        f(
            "shallowMerge",
            &[list(vec![
                obj(&[("a", n(1.0))]),
                obj(&[("a", n(2.0)), ("b", n(3.0))])
            ])]
        ),
        obj(&[("a", n(2.0)), ("b", n(3.0))])
    );
    assert_eq!(
        f(
            "flatten",
            &[list(vec![list(vec![n(1.0)]), list(vec![n(2.0), n(3.0)])])]
        ),
        list(vec![n(1.0), n(2.0), n(3.0)])
    );
    assert_eq!(f("indexOf", &[abc.clone(), s("c")]), n(2.0));
    assert_eq!(f("indexFromEnd", &[abc, n(1.0)]), s("c"));
}

fn with_lambdas(name: &str, args: &[Val], fs: &mut [Lambda<'_>]) -> Val {
    call(name, args, fs, &Context::default()).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn lambdas() {
    let nums = list(vec![n(3.0), n(1.0), n(2.0)]);
    let mut gt1 = |a: &[Val]| Ok(Val::Bool(matches!(a[0], Val::Number(x) if x > 1.0)));
    assert_eq!(
        with_lambdas("filter", std::slice::from_ref(&nums), &mut [&mut gt1]),
        list(vec![n(3.0), n(2.0)])
    );
    let mut double = |a: &[Val]| match a[0] {
        Val::Number(x) => Ok(Val::Number(x * 2.0)),
        _ => Ok(Val::Unknown),
    };
    assert_eq!(
        with_lambdas("map", std::slice::from_ref(&nums), &mut [&mut double]),
        list(vec![n(6.0), n(2.0), n(4.0)])
    );
    let mut with_index = |a: &[Val]| Ok(a[1].clone());
    assert_eq!(
        with_lambdas("map", std::slice::from_ref(&nums), &mut [&mut with_index]),
        list(vec![n(0.0), n(1.0), n(2.0)])
    );
    let mut sum = |a: &[Val]| match (&a[0], &a[1]) {
        (Val::Number(x), Val::Number(y)) => Ok(Val::Number(x + y)),
        _ => Ok(Val::Unknown),
    };
    assert_eq!(
        with_lambdas("reduce", &[nums.clone(), n(10.0)], &mut [&mut sum]),
        n(16.0)
    );
    let mut less = |a: &[Val]| match (&a[0], &a[1]) {
        (Val::Number(x), Val::Number(y)) => Ok(Val::Bool(x < y)),
        _ => Ok(Val::Unknown),
    };
    assert_eq!(
        with_lambdas("sort", std::slice::from_ref(&nums), &mut [&mut less]),
        list(vec![n(1.0), n(2.0), n(3.0)])
    );
    let people = list(vec![
        obj(&[("name", s("ann")), ("team", s("x"))]),
        obj(&[("name", s("bob")), ("team", s("x"))]),
    ]);
    let mut name = |a: &[Val]| match &a[0] {
        Val::Object(m) => Ok(m.get("name").cloned().unwrap_or(Val::Null)),
        _ => Ok(Val::Unknown),
    };
    let mut team = |a: &[Val]| match &a[0] {
        Val::Object(m) => Ok(m.get("team").cloned().unwrap_or(Val::Null)),
        _ => Ok(Val::Unknown),
    };
    assert_eq!(
        with_lambdas(
            "toObject",
            std::slice::from_ref(&people),
            &mut [&mut name, &mut team]
        ),
        obj(&[("ann", s("x")), ("bob", s("x"))])
    );
    let mut team2 = |a: &[Val]| match &a[0] {
        Val::Object(m) => Ok(m.get("team").cloned().unwrap_or(Val::Null)),
        _ => Ok(Val::Unknown),
    };
    let grouped = with_lambdas("groupBy", std::slice::from_ref(&people), &mut [&mut team2]);
    assert_eq!(f("length", &[f("tryGet", &[grouped, s("x")])]), n(2.0));
    let mut upper = |a: &[Val]| match &a[0] {
        Val::String(x) => Ok(Val::str(x.to_uppercase())),
        _ => Ok(Val::Unknown),
    };
    assert_eq!(
        with_lambdas("mapValues", &[obj(&[("k", s("v"))])], &mut [&mut upper]),
        obj(&[("k", s("V"))])
    );
    let mut never = |_: &[Val]| Ok(Val::Bool(true));
    assert_eq!(
        with_lambdas("filter", &[Val::Unknown], &mut [&mut never]),
        Val::Unknown
    );
}

#[test]
fn deployment_functions_are_partial() {
    let Val::Partial(rg) = f("resourceGroup", &[]) else {
        panic!("resourceGroup() is partial");
    };
    assert!(!rg.contains_key("location"));
    assert!(matches!(f("subscription", &[]), Val::Partial(_)));
    assert!(matches!(f("deployment", &[]), Val::Partial(_)));
    assert!(matches!(f("environment", &[]), Val::Partial(_)));
    let ctx = Context {
        location: Some("westeurope".into()),
        ..Context::default()
    };
    let Ok(Val::Partial(rg)) = call("resourceGroup", &[], &mut [], &ctx) else {
        panic!("resourceGroup() is partial");
    };
    assert_eq!(rg.get("location"), Some(&s("westeurope")));
}

#[test]
fn resource_ids() {
    assert_eq!(
        f(
            "resourceId",
            &[
                s("Microsoft.Network/virtualNetworks/subnets"),
                s("vnet"),
                s("a")
            ]
        ),
        Val::Unknown
    );
    assert!(fails(
        "resourceId",
        &[s("Microsoft.Network/virtualNetworks/subnets"), s("vnet")]
    ));
    assert_eq!(
        f(
            "resourceId",
            &[
                s("sub"),
                s("rg"),
                s("Microsoft.Storage/storageAccounts"),
                s("st")
            ]
        ),
        s("/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st")
    );
    let ctx = Context {
        subscription_id: Some("s1".into()),
        resource_group: Some("g1".into()),
        ..Context::default()
    };
    assert_eq!(
        call(
            "resourceId",
            &[
                s("Microsoft.Network/virtualNetworks/subnets"),
                s("vnet"),
                s("a")
            ],
            &mut [],
            &ctx
        ),
        Ok(s(
            "/subscriptions/s1/resourceGroups/g1/providers/Microsoft.Network/virtualNetworks/vnet/subnets/a"
        ))
    );
    assert_eq!(
        f(
            "subscriptionResourceId",
            &[s("Microsoft.Authorization/roleDefinitions"), s("r")]
        ),
        Val::Unknown
    );
    assert_eq!(
        f(
            "subscriptionResourceId",
            &[s("s"), s("Microsoft.Authorization/roleDefinitions"), s("r")]
        ),
        s("/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/r")
    );
    assert_eq!(
        f(
            "tenantResourceId",
            &[s("Microsoft.Authorization/policyDefinitions"), s("p")]
        ),
        s("/providers/Microsoft.Authorization/policyDefinitions/p")
    );
    assert_eq!(
        f(
            "extensionResourceId",
            &[s("/x/y"), s("Microsoft.Authorization/locks"), s("l")]
        ),
        s("/x/y/providers/Microsoft.Authorization/locks/l")
    );
    assert_eq!(
        f(
            "managementGroupResourceId",
            &[
                s("mg"),
                s("Microsoft.Authorization/policyDefinitions"),
                s("p")
            ]
        ),
        s(
            "/providers/Microsoft.Management/managementGroups/mg/providers/Microsoft.Authorization/policyDefinitions/p"
        )
    );
}
