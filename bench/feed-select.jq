# feed-select.jq: the same selection as hoist's engine, in jq, as the baseline for
# bench/feed.sh: verdicts on every newer release (allow, minor_after, major_after,
# exclude, prerelease), the newest eligible, and the notes of (current, recommended],
# breaking, dependency and security first, then the rest by version.
def vkey: (split("-")) as $p
  | ($p[0] | split(".") | map(tonumber)) + [if ($p | length) > 1 then 0 else 1 end];
def rank: if . == "patch" then 1 elif . == "minor" then 2 else 3 end;

($cur | vkey) as $c
| ($allow | rank) as $allowed
| [.releases[] | . + {k: (.version | vkey)}] | sort_by(.k)
| [.[] | select(.k > $c)] as $newer
| [$newer[]
   | .version as $v | .k as $k
   | (if $k[0] != $c[0] then 3 elif $k[1] != $c[1] then 2 else 1 end) as $kind
   | (if any($exclude[]; . == $v) then "excluded"
      elif ($v | test("-")) then "prerelease"
      elif $kind > $allowed then "kind"
      elif $k[0] != $c[0] and $major_after >= 0 and $k[1] < $major_after then "waiting"
      elif ($k[0] != $c[0] or $k[1] != $c[1]) and $minor_after >= 0
           and $k[2] < $minor_after then "waiting"
      else "" end) as $hold
   | {version: $v, k: $k, hold: $hold}] as $verdicts
| ([$verdicts[] | select(.hold == "")] | last) as $rec
| [$newer[] | select(.k <= $rec.k and (.version | test("-") | not))] as $range
| {recommended: $rec.version,
   newer: ($verdicts | length),
   held: ([$verdicts[] | select(.hold != "")] | length),
   first: [("breaking", "dependency", "security") as $kind
           | $range[] | .version as $v | .notes[]? | select(.kind == $kind)
           | {version: $v, kind, text}],
   rest: [$range[] | .version as $v | .notes[]?
          | select(.kind == "feature" or .kind == "fix") | {version: $v, kind, text}]}
| "recommended=\(.recommended) newer=\(.newer) held=\(.held) notes=\(.first + .rest | length) first=\(.first | length)"
