//! IP network functions: `cidrhost`, `cidrnetmask`, `cidrsubnet`, `cidrsubnets`.
//!
//! Terraform parses prefixes with a copy of Go 1.16's `net.ParseCIDR` (IPv4 octets with
//! leading zeros are read as decimal; the host bits of the address are cleared) and computes
//! with the `go-cidr` library. Addresses are held here as `u128` (IPv4 in the low 32 bits).
//!
//! Where `go-cidr` gives a garbled result rather than a value or an error (negative or huge
//! subnet numbers, IPv4-mapped IPv6 prefixes, a prefix starting at the all-zero address in
//! `cidrsubnets`), the result is unknown rather than a guess.

use super::super::value::{EvalError, EvalResult, Val, err};
use super::{string_arg, whole_arg, whole_big};

/// A parsed prefix: the network address (host bits cleared), its length and the address width.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Net {
    addr: u128,
    len: u32,
    bits: u32,
}

impl Net {
    /// Bits set in the host part of a prefix of length `len`.
    fn host_mask(bits: u32, len: u32) -> u128 {
        let host = bits.saturating_sub(len);
        if host >= 128 {
            u128::MAX
        } else {
            (1u128 << host) - 1
        }
    }

    /// Bits set in the network part of a prefix of length `len`.
    fn net_mask(bits: u32, len: u32) -> u128 {
        Self::host_mask(bits, 0) & !Self::host_mask(bits, len)
    }

    /// Go prints an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) as IPv4, and its prefix length
    /// counted from bit 96: `go-cidr` does not reproduce that consistently, so such networks
    /// give unknown results.
    fn is_v4_mapped(&self) -> bool {
        self.bits == 128 && self.addr >> 32 == 0xffff
    }

    fn display(&self) -> String {
        format!("{}/{}", format_ip(self.addr, self.bits), self.len)
    }
}

/// `cidrhost(prefix, hostnum)`: the address with host number `hostnum` in the prefix; a
/// negative number counts back from the last address (`-1` is the broadcast address).
pub fn host(args: Vec<Val>) -> EvalResult {
    let [prefix, num] = super::arity::<2>("cidrhost", args)?;
    let (neg, mag) = whole_big("cidrhost", &num)?;
    let Some(net) = parse_arg("cidrhost", &prefix)? else {
        return Ok(Val::Unknown);
    };
    let max = Net::host_mask(net.bits, net.len);
    let hostnum = match (neg, mag) {
        (false, Some(m)) if m <= max => m,
        // go-cidr checks the number through a 64-bit conversion that wraps from 2^63 on.
        (false, Some(m)) if m < 1 << 63 => {
            return err(format!(
                "prefix of {} does not accommodate a host numbered {m}",
                net.len
            ));
        }
        (false, _) => return Ok(Val::Unknown),
        (true, m) => {
            // -1 is the last address, -2 the one before it, ...
            let back = m.map(|m| m - 1);
            match back {
                Some(b) if b <= max => max - b,
                _ => {
                    let over = back.map_or_else(|| "huge".to_string(), |b| (b - max).to_string());
                    return err(format!(
                        "prefix of {} does not accommodate a host numbered -{over}",
                        net.len
                    ));
                }
            }
        }
    };
    Ok(Val::String(format_ip(net.addr | hostnum, net.bits)))
}

/// `cidrnetmask(prefix)`: the IPv4 subnet mask in dotted-decimal form; IPv6 is an error.
pub fn netmask(args: Vec<Val>) -> EvalResult {
    let [prefix] = super::arity::<1>("cidrnetmask", args)?;
    let Some(net) = parse_arg("cidrnetmask", &prefix)? else {
        return Ok(Val::Unknown);
    };
    if net.bits == 128 {
        return err(format!(
            "cidrnetmask: IPv6 addresses cannot have a netmask: {}",
            string_arg("cidrnetmask", &prefix)?
        ));
    }
    Ok(Val::String(format_ip(Net::net_mask(32, net.len), 32)))
}

/// `cidrsubnet(prefix, newbits, netnum)`: the `netnum`th subnet of the prefix extended by
/// `newbits` bits.
pub fn subnet(args: Vec<Val>) -> EvalResult {
    let [prefix, newbits, num] = super::arity::<3>("cidrsubnet", args)?;
    let newbits = whole_arg("cidrsubnet", &newbits)?;
    let (neg, mag) = whole_big("cidrsubnet", &num)?;
    let Some(net) = parse_arg("cidrsubnet", &prefix)? else {
        return Ok(Val::Unknown);
    };
    if newbits < 0 {
        // go-cidr shortens the prefix and builds a mask Go cannot print: no defined result.
        return Ok(Val::Unknown);
    }
    if i64::from(net.len) + newbits > i64::from(net.bits) {
        return err(format!(
            "insufficient address space to extend prefix of {} by {newbits}",
            net.len
        ));
    }
    // At most 128 here.
    let newbits = newbits as u32;
    let Some(num) = mag.filter(|_| !neg) else {
        return Ok(Val::Unknown);
    };
    // go-cidr compares the low 64 bits of the number with 2^newbits - 1 (all ones from 64 on).
    let fits = newbits == 128 || num < 1u128 << newbits;
    if num < 1 << 64 {
        if !fits {
            return err(format!(
                "prefix extension of {newbits} does not accommodate a subnet numbered {num}"
            ));
        }
    } else if newbits <= 64 || !fits {
        return Ok(Val::Unknown);
    }
    let len = net.len + newbits;
    let shift = net.bits - len;
    let addr = net.addr | num.checked_shl(shift).unwrap_or(0);
    let sub = Net {
        addr,
        len,
        bits: net.bits,
    };
    if sub.is_v4_mapped() {
        return Ok(Val::Unknown);
    }
    Ok(Val::String(sub.display()))
}

/// `cidrsubnets(prefix, newbits...)`: consecutive subnets of the given extra lengths, each
/// aligned to its own size.
pub fn subnets(args: Vec<Val>) -> EvalResult {
    let Some((prefix, lengths)) = args.split_first() else {
        return err("cidrsubnets needs a prefix");
    };
    let Some(net) = parse_arg("cidrsubnets", prefix)? else {
        return Ok(Val::Unknown);
    };
    let Some(first) = lengths.first() else {
        return Ok(Val::list(Vec::new()));
    };
    let first = whole_arg("cidrsubnets", first)?;
    let family = if net.bits == 32 { "IPv4" } else { "IPv6" };
    // The subnet "before" the prefix, of the first requested size.
    let mut current: Option<Net> = None;
    let mut out = Vec::with_capacity(lengths.len());
    for (i, arg) in lengths.iter().enumerate() {
        let extra = whole_arg("cidrsubnets", arg)?;
        if extra < 1 {
            return err(format!(
                "cidrsubnets: argument {}: must extend prefix by at least one bit",
                i + 2
            ));
        }
        if extra > 32 {
            return err(format!(
                "cidrsubnets: argument {}: may not extend prefix by more than 32 bits",
                i + 2
            ));
        }
        let len = i64::from(net.len) + extra;
        if len > i64::from(net.bits) {
            return err(format!(
                "cidrsubnets: argument {}: would extend prefix to {len} bits, which is too long for an {family} address",
                i + 2
            ));
        }
        if net.addr == 0 {
            // Terraform's go-cidr mistakes the all-zero start for a wrap-around and fails
            // (hashicorp/terraform#35486): not reproduced, so unknown.
            return Ok(Val::Unknown);
        }
        // Both at most 128 here.
        let len = len as u32;
        let prev = match current {
            Some(c) => c,
            None => {
                let first_len = (i64::from(net.len) + first).clamp(0, i64::from(net.bits)) as u32;
                let before = net.addr.wrapping_sub(1) & Net::host_mask(net.bits, 0);
                Net {
                    addr: before & Net::net_mask(net.bits, first_len),
                    len: first_len,
                    bits: net.bits,
                }
            }
        };
        let last = prev.addr | Net::host_mask(net.bits, prev.len);
        let block_last = last | Net::host_mask(net.bits, len);
        let next_addr = block_last.wrapping_add(1) & Net::host_mask(net.bits, 0);
        let within = next_addr & Net::net_mask(net.bits, net.len) == net.addr;
        if next_addr == 0 || !within {
            return err(format!(
                "cidrsubnets: argument {}: not enough remaining address space for a subnet with a prefix of {len} bits after {}",
                i + 2,
                prev.display()
            ));
        }
        let next = Net {
            addr: next_addr,
            len,
            bits: net.bits,
        };
        if next.is_v4_mapped() {
            return Ok(Val::Unknown);
        }
        out.push(Val::String(next.display()));
        current = Some(next);
    }
    Ok(Val::list(out))
}

/// Parses the prefix argument; `None` for IPv4-mapped IPv6 prefixes (see [`Net::is_v4_mapped`]).
fn parse_arg(name: &str, v: &Val) -> Result<Option<Net>, EvalError> {
    let s = string_arg(name, v)?;
    let net = parse_cidr(&s).ok_or_else(|| {
        EvalError(format!(
            "{name}: invalid CIDR expression: invalid CIDR address: {s}"
        ))
    })?;
    Ok((!net.is_v4_mapped()).then_some(net))
}

/// Go 1.16's `net.ParseCIDR`: an address, `/`, a decimal prefix length up to the address width.
fn parse_cidr(s: &str) -> Option<Net> {
    let (addr, len_text) = s.split_once('/')?;
    let (addr, bits) = match parse_ipv4(addr) {
        Some(v4) => (u128::from(v4), 32),
        None => (parse_ipv6(addr)?, 128),
    };
    let (used, len) = decimal(len_text.as_bytes())?;
    if used != len_text.len() || len > bits {
        return None;
    }
    Some(Net {
        addr: addr & Net::net_mask(bits, len),
        len,
        bits,
    })
}

/// Leading decimal digits as Go's `dtoi` reads them: `(digits used, value)`; `None` without
/// digits or at 0xFFFFFF and above.
fn decimal(b: &[u8]) -> Option<(usize, u32)> {
    let mut n: u32 = 0;
    let mut used = 0;
    for &c in b.iter().take_while(|c| c.is_ascii_digit()) {
        n = n * 10 + u32::from(c - b'0');
        if n >= 0xFF_FFFF {
            return None;
        }
        used += 1;
    }
    (used > 0).then_some((used, n))
}

/// Four decimal octets; leading zeros allowed (and read as decimal).
fn parse_ipv4(s: &str) -> Option<u32> {
    let mut out: u32 = 0;
    let mut parts = 0;
    for part in s.split('.') {
        let (used, n) = decimal(part.as_bytes())?;
        if used != part.len() || n > 255 {
            return None;
        }
        out = out << 8 | n;
        parts += 1;
    }
    (parts == 4).then_some(out)
}

/// Leading hex digits as Go's `xtoi` reads them: `(digits used, value)`.
fn hex(b: &[u8]) -> Option<(usize, u32)> {
    let mut n: u32 = 0;
    let mut used = 0;
    for &c in b.iter().take_while(|c| c.is_ascii_hexdigit()) {
        n = n * 16 + char::from(c).to_digit(16)?;
        if n >= 0xFF_FFFF {
            return None;
        }
        used += 1;
    }
    (used > 0).then_some((used, n))
}

/// Go 1.16's IPv6 parser: groups of hex digits, one `::`, an optional trailing IPv4 part.
fn parse_ipv6(s: &str) -> Option<u128> {
    let mut ip = [0u8; 16];
    let mut ellipsis: Option<usize> = None;
    let mut rest = s.as_bytes();
    if rest.starts_with(b"::") {
        ellipsis = Some(0);
        rest = &rest[2..];
        if rest.is_empty() {
            return Some(0);
        }
    }
    let mut i = 0;
    while i < 16 {
        let (used, n) = hex(rest)?;
        if n > 0xFFFF {
            return None;
        }
        if rest.get(used) == Some(&b'.') {
            // A trailing IPv4 address fills the last four bytes.
            if (ellipsis.is_none() && i != 12) || i + 4 > 16 {
                return None;
            }
            let v4 = parse_ipv4(std::str::from_utf8(rest).ok()?)?;
            ip[i..i + 4].copy_from_slice(&v4.to_be_bytes());
            rest = &[];
            i += 4;
            break;
        }
        ip[i] = (n >> 8) as u8;
        ip[i + 1] = n as u8;
        i += 2;
        rest = &rest[used..];
        if rest.is_empty() {
            break;
        }
        if rest[0] != b':' || rest.len() == 1 {
            return None;
        }
        rest = &rest[1..];
        if rest[0] == b':' {
            if ellipsis.is_some() {
                return None;
            }
            ellipsis = Some(i);
            rest = &rest[1..];
            if rest.is_empty() {
                break;
            }
        }
    }
    if !rest.is_empty() {
        return None;
    }
    if i < 16 {
        let e = ellipsis?;
        let gap = 16 - i;
        ip.copy_within(e..i, e + gap);
        ip[e..e + gap].fill(0);
    } else if ellipsis.is_some() {
        return None;
    }
    Some(u128::from_be_bytes(ip))
}

/// Go's `net.IP.String`: dotted decimal for IPv4 and IPv4-mapped IPv6, otherwise lowercase
/// hex groups with the first longest run of two or more zero groups written `::`.
fn format_ip(addr: u128, bits: u32) -> String {
    if bits == 32 || addr >> 32 == 0xffff {
        let b = (addr as u32).to_be_bytes();
        return format!("{}.{}.{}.{}", b[0], b[1], b[2], b[3]);
    }
    let groups: Vec<u16> = (0..8).map(|i| (addr >> (112 - 16 * i)) as u16).collect();
    let (mut best, mut run) = ((0, 0), (0, 0));
    for (i, g) in groups.iter().enumerate() {
        if *g == 0 {
            if run.1 == 0 {
                run.0 = i;
            }
            run.1 += 1;
            if run.1 > best.1 {
                best = run;
            }
        } else {
            run = (0, 0);
        }
    }
    let hexes = |gs: &[u16]| {
        gs.iter()
            .map(|g| format!("{g:x}"))
            .collect::<Vec<_>>()
            .join(":")
    };
    if best.1 < 2 {
        return hexes(&groups);
    }
    format!(
        "{}::{}",
        hexes(&groups[..best.0]),
        hexes(&groups[best.0 + best.1..])
    )
}
