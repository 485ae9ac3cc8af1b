//! Numeric functions: `abs`, `ceil`, `floor`, `signum`, `pow`, `parseint`, `range`.
//!
//! Terraform's numbers are arbitrary-precision; tenet's are `f64`. Results are given where
//! both agree exactly (integers, exact binary fractions), unknown otherwise.

use super::super::value::{EvalResult, Val, err};
use super::{arity, number_arg, whole_arg};

/// 2^53: every integer up to this is exact in `f64`.
const EXACT_INT: f64 = 9_007_199_254_740_992.0;

/// Largest list `range` produces; more is an error in Terraform.
const MAX_RANGE: usize = 1024;

/// `abs`, `ceil`, `floor` (infinities stay as they are).
pub fn unary(name: &str, args: Vec<Val>) -> EvalResult {
    let [n] = arity::<1>(name, args)?;
    let n = number_arg(name, &n)?;
    Ok(Val::Number(match name {
        "abs" => n.abs(),
        "ceil" => n.ceil(),
        _ => n.floor(),
    }))
}

/// `signum(n)`: -1, 0 or 1; Terraform reads the argument as a whole number first.
pub fn signum(args: Vec<Val>) -> EvalResult {
    let [n] = arity::<1>("signum", args)?;
    let n = whole_arg("signum", &n)?;
    Ok(Val::Number(n.signum() as f64))
}

/// `pow(x, y)` as Go's `math.Pow`, which Terraform calls. Given where Go's result is exact:
/// its special cases, whole exponents whose power is exactly representable (and their
/// reciprocals), and square roots; a negative base with a fractional exponent is not a number,
/// an error. Other results may differ from Go in the last bit, so they are unknown.
pub fn pow(args: Vec<Val>) -> EvalResult {
    let [x, y] = arity::<2>("pow", args)?;
    let (x, y) = (number_arg("pow", &x)?, number_arg("pow", &y)?);
    if !x.is_finite() || !y.is_finite() {
        return Ok(Val::Unknown);
    }
    let odd = y.fract() == 0.0 && (y / 2.0).fract() != 0.0;
    let r = if y == 0.0 || x == 1.0 {
        1.0
    } else if y == 1.0 {
        x
    } else if x == 0.0 {
        match (y < 0.0, odd) {
            (true, true) => f64::INFINITY.copysign(x),
            (true, false) => f64::INFINITY,
            (false, true) => x,
            (false, false) => 0.0,
        }
    } else if y == 0.5 {
        x.sqrt()
    } else if y == -0.5 {
        1.0 / x.sqrt()
    } else if y.fract() != 0.0 {
        if x < 0.0 {
            f64::NAN
        } else {
            return Ok(Val::Unknown);
        }
    } else if x == -1.0 {
        if odd { -1.0 } else { 1.0 }
    } else {
        match exact_power(x, y.abs()) {
            Some(p) if y > 0.0 => p,
            Some(p) if (1.0 / p).is_normal() => 1.0 / p,
            _ => return Ok(Val::Unknown),
        }
    };
    if r.is_nan() {
        return err("pow: the result is not a number");
    }
    Ok(Val::Number(r))
}

/// `x^n` for a whole `n` by repeated squaring, when every multiplication is exact (checked with
/// a fused multiply-add) and the result a normal number; `None` otherwise.
fn exact_power(x: f64, n: f64) -> Option<f64> {
    if n > 4096.0 {
        return None;
    }
    let mut n = n as u32;
    let (mut result, mut base) = (1.0_f64, x);
    let exact_mul = |a: f64, b: f64| -> Option<f64> {
        let p = a * b;
        (p.is_normal() && a.mul_add(b, -p) == 0.0).then_some(p)
    };
    while n > 0 {
        if n & 1 == 1 {
            result = exact_mul(result, base)?;
        }
        n >>= 1;
        if n > 0 {
            base = exact_mul(base, base)?;
        }
    }
    Some(result)
}

/// `parseint(string, base)`: an integer written in base 2 to 62 (digits, then `a`-`z`, then
/// for bases above 36 `A`-`Z`; letters are case-insensitive up to base 36), with an optional
/// sign. Integers beyond 2^53 are unknown (not exact in `f64`).
pub fn parseint(args: Vec<Val>) -> EvalResult {
    let [s, base] = arity::<2>("parseint", args)?;
    let Val::String(s) = s else {
        return err(format!(
            "parseint: first argument must be a string, not {}",
            s.type_name()
        ));
    };
    let base = whole_arg("parseint", &base)?;
    if !(2..=62).contains(&base) {
        return err("parseint: base must be a whole number between 2 and 62 inclusive");
    }
    let base = base as u32;
    let (negative, digits) = match s.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, s.strip_prefix('+').unwrap_or(&s)),
    };
    let value = |c: char| -> Option<u32> {
        let v = match c {
            '0'..='9' => u32::from(c) - u32::from('0'),
            'a'..='z' => u32::from(c) - u32::from('a') + 10,
            'A'..='Z' if base <= 36 => u32::from(c) - u32::from('A') + 10,
            'A'..='Z' => u32::from(c) - u32::from('A') + 36,
            _ => return None,
        };
        (v < base).then_some(v)
    };
    let parsed: Option<Vec<u32>> = digits.chars().map(value).collect();
    let Some(parsed) = parsed.filter(|p| !p.is_empty()) else {
        return err(format!(
            "parseint: cannot parse {:?} as a base {base} integer",
            s
        ));
    };
    let mut n: u64 = 0;
    for d in parsed {
        n = n
            .saturating_mul(u64::from(base))
            .saturating_add(u64::from(d));
    }
    let n = n as f64;
    if n > EXACT_INT {
        return Ok(Val::Unknown);
    }
    Ok(Val::Number(if negative && n != 0.0 { -n } else { n }))
}

/// `range(end)`, `range(start, end)`, `range(start, end, step)`: from `start` (default 0) up to
/// but not including `end`, by `step` (default 1, or -1 when `end` is below `start`). At most
/// 1024 elements, as in Terraform. Arguments must be whole or short binary fractions (exact
/// in both Terraform's and tenet's arithmetic), otherwise the result is unknown.
pub fn range(args: Vec<Val>) -> EvalResult {
    let nums = args
        .iter()
        .map(|a| number_arg("range", a))
        .collect::<Result<Vec<_>, _>>()?;
    let (start, end, step) = match nums.as_slice() {
        [end] => (0.0, *end, if *end < 0.0 { -1.0 } else { 1.0 }),
        [start, end] => (*start, *end, if end < start { -1.0 } else { 1.0 }),
        [start, end, step] => (*start, *end, *step),
        _ => return err("range: must have one, two, or three arguments"),
    };
    let too_many = || {
        err(
            "range: more than 1024 values were generated; either decrease the difference between start and end or use a smaller step",
        )
    };
    // Clearly more than 1024 steps (with a margin for rounding): Terraform's error.
    let steps = (end - start) / step;
    if step != 0.0 && (end - start).signum() == step.signum() && steps > 1100.0 {
        return too_many();
    }
    // In units of 1/1024, so that every value and every step is an exact integer.
    let scaled = |x: f64| -> Option<i64> {
        let s = x * 1024.0;
        (s.is_finite() && s.fract() == 0.0 && s.abs() < 2f64.powi(50)).then_some(s as i64)
    };
    let (Some(start), Some(end), Some(step)) = (scaled(start), scaled(end), scaled(step)) else {
        return Ok(Val::Unknown);
    };
    if step == 0 {
        return err("range: step must not be zero");
    }
    if step < 0 && end > start {
        return err("range: end must be less than start when step is negative");
    }
    if step > 0 && end < start {
        return err("range: end must be greater than start when step is positive");
    }
    let mut out = Vec::new();
    let mut n = start;
    while (step > 0 && n < end) || (step < 0 && n > end) {
        if out.len() >= MAX_RANGE {
            return too_many();
        }
        out.push(Val::Number(n as f64 / 1024.0));
        n += step;
    }
    Ok(Val::list(out))
}
