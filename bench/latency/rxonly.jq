# SPDX-License-Identifier: BSD-2-Clause
# The receive-only throughput comparison of results/latency.json as text lines
# (scripts/bench-latency.sh prints them under the table).
def k: . / 1000 | round | tostring + "k";
def x: if . == null then "n/a" else (. * 100 | round / 100 | tostring) + "x" end;
if .receive_only.skipped then "receive-only throughput: skipped (\(.receive_only.skipped))"
else
  .receive_only as $r
  | "receive-only throughput, packets/s counted by each receiver (median [min-max] of \($r.receivers | to_entries[0].value.runs | length) x \($r.duration_s) s; \($r.generator); receive work \($r.receive_work)):",
    ($r.receivers | to_entries[] | .value.rx_pps as $p
     | "  \(.key): " + (if $p == null then "no run succeeded" else
         "\($p.median | k) [\($p.min | k)-\($p.max | k)], generator sent \(.value.runs | map(.sent_pps) | sort | .[(length - 1) / 2 | floor] | k)/s"
         + (if (.value.runs | map(select(.generator_limited)) | length) > 0
            then " (GENERATOR-LIMITED in \(.value.runs | map(select(.generator_limited)) | length) run(s): it received >= 95 % of what was sent, so this is a lower bound)"
            else "" end) end)),
    "  ratios: " + ($r.ratios | to_entries | map("\(.key) \(.value | x)") | join(", "))
end
