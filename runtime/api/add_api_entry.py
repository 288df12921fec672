#!/usr/bin/env python3
# add_api_entry.py - Inserts CUPORT_API_ENTRY(Name); as the first statement
# of every CUPORT_EXPORT function of the given runtime/entry/*.cpp files
# that lacks it (idempotent), so that run reports count the entry
# (checked by RuntimeReport.EveryEntryIsCounted).
#   python3 runtime/api/add_api_entry.py runtime/entry/*.cpp
import re, sys
for p in sys.argv[1:]:
    s = open(p).read()
    out = []; i = 0; n = 0
    for m in re.finditer(r'CUPORT_EXPORT\b', s):
        if m.start() < i: continue
        # skip the macro definition itself
        line_start = s.rfind('\n', 0, m.start()) + 1
        if s[line_start:m.start()].strip().startswith('#'): continue
        paren = s.index('(', m.end())
        name = re.findall(r'[A-Za-z_][A-Za-z0-9_]*', s[m.end():paren])[-1]
        # find the matching ')' then the '{'
        depth = 0; j = paren
        while True:
            if s[j] == '(': depth += 1
            elif s[j] == ')':
                depth -= 1
                if depth == 0: break
            j += 1
        brace = s.index('{', j)
        semi = s.find(';', j)
        if semi != -1 and semi < brace: continue  # declaration only
        after = s[brace+1:brace+200]
        if 'CUPORT_API_ENTRY' in after.split('\n',2)[1] if after.count('\n')>1 else False:
            continue
        out.append(s[i:brace+1]); out.append('\n  CUPORT_API_ENTRY(%s);' % name)
        i = brace + 1; n += 1
    out.append(s[i:])
    open(p, 'w').write(''.join(out))
    print(p, n)
