"""Hot functions of the tenet binary from callgrind profiles (see hot-functions.sh).

  hot_functions.py write LIST PROFILE...   the functions of `tenet` the profiles ran: those
                                           every profile ran first, then those fewer ran,
                                           grouped by the profiles that ran them (so that
                                           each kind of scan touches one stretch of code),
                                           hottest first within a group
  hot_functions.py check BINARY LIST       how many listed names BINARY defines
"""
import collections
import re
import subprocess
import sys

HEADER = re.compile(r"(c?)(ob|fn|cob|cfn)=\((\d+)\)\s*(.*)")
# A symbol name; not an address (a function without one) or `(below main)`.
SYMBOL = re.compile(r"[A-Za-z_.$][A-Za-z0-9_.$]*")


def self_costs(path, costs):
    """Adds each function's own instructions (in the `tenet` object) to `costs`."""
    objects, names = {}, {}
    in_tenet, function, call_line = False, None, False
    with open(path, errors="replace") as f:
        for line in f:
            m = HEADER.match(line)
            if m:
                called, kind, key, name = m.groups()
                table = objects if kind in ("ob", "cob") else names
                if name.strip():
                    table[key] = name.strip()
                if not called and kind == "ob":
                    in_tenet = objects[key].endswith("/tenet")
                elif not called and kind == "fn":
                    function = names[key]
                continue
            if line.startswith("calls="):
                # The next cost line is the call's inclusive cost, not the caller's own.
                call_line = True
                continue
            if line[:1] in "0123456789+-*":
                if call_line:
                    call_line = False
                elif in_tenet and function:
                    fields = line.split()
                    costs[function] += int(fields[1]) if len(fields) > 1 else 0


def write(out, profiles):
    costs = collections.Counter()
    ran = collections.defaultdict(int)
    for i, p in enumerate(profiles):
        own = collections.Counter()
        self_costs(p, own)
        for name, cost in own.items():
            # Callgrind marks recursion levels with `'N`.
            name = re.sub(r"'\d+$", "", name)
            if SYMBOL.fullmatch(name):
                costs[name] += cost
                ran[name] |= 1 << i
    names = sorted(costs, key=lambda n: (-bin(ran[n]).count("1"), ran[n], -costs[n], n))
    with open(out, "w") as f:
        f.write("\n".join(names) + "\n")
    print(f"{out}: {len(names)} functions")


def check(binary, listed):
    symbols = set()
    nm = subprocess.run(["nm", "--defined-only", binary], capture_output=True, text=True, check=True)
    for line in nm.stdout.splitlines():
        parts = line.split()
        if len(parts) == 3:
            symbols.add(parts[2])
    names = [n.strip() for n in open(listed) if n.strip()]
    found = sum(n in symbols for n in names)
    print(f"{binary}: defines {found} of the {len(names)} functions of {listed}")
    return found == len(names)


if __name__ == "__main__":
    if sys.argv[1] == "write":
        write(sys.argv[2], sys.argv[3:])
    elif sys.argv[1] == "check":
        sys.exit(0 if check(sys.argv[2], sys.argv[3]) else 1)
    else:
        sys.exit(__doc__)
