# SPDX-License-Identifier: BSD-2-Clause
# The receive-only throughput comparison of results/latency.json as text lines
# (scripts/bench-latency.sh prints them under the table).
def k: . / 1000 | round | tostring + "k";
def x: if . == null then "n/a" else (. * 100 | round / 100 | tostring) + "x" end;
def med: sort | .[(length - 1) / 2 | floor];
if .receive_only.skipped then "receive-only throughput: skipped (\(.receive_only.skipped))"
else
  .receive_only as $r
  | "receive-only throughput, packets/s counted by each receiver at its best offered rate (median [min-max] of \($r.receivers | to_entries[0].value.runs | length) runs, each stepping the offered rate through \($r.offered_pps | map(k) | join(" ")) for \($r.duration_s) s per step; \($r.generator); receive work \($r.receive_work)):",
    ($r.receivers | to_entries[] | .value.rx_pps as $p | .value.max_lossfree_pps as $l
     | "  \(.key): " + (if $p == null then "no run succeeded" else
         "\($p.median | k) [\($p.min | k)-\($p.max | k)] at offered \(.value.runs | map(.offered_pps) | med | k)/s (sent \(.value.runs | map(.sent_pps) | med | k)/s); under 0.1 % loss up to \(if ($l.median // 0) > 0 then ($l.median | k) + "/s" else "none of the rates" end)"
         + (if (.value.runs | map(select(.generator_limited)) | length) > 0
            then " (best step took >= 95 % of what was sent in \(.value.runs | map(select(.generator_limited)) | length) run(s): the ceiling lies between that rate and the next step)"
            else "" end)
         + (.value.runs | map(.steps | max_by(.offered_pps)) as $top
            | if ($top | length) > 0 then "; at the top step (\($top | map(.offered_pps) | med | k)/s offered) \($top | map(.rx_pps) | med | k)/s" else "" end) end)),
    "  ratios (best receive rate): " + ($r.ratios | to_entries | map("\(.key) \(.value | x)") | join(", ")),
    "  each receiver at its best placement: " + ([$r.best | to_entries[] | select(.value | type == "object")
      | "\(.key) \(.value.receiver) \(.value.rx_pps | k)/s"] | join(", "))
      + "; xlane/dpdk \($r.best["xlane/dpdk"] | x), xlane/kernel-recvmmsg \($r.best["xlane/kernel-recvmmsg"] | x)",
    (if $r.by_repetition == null then empty else
       $r.by_repetition as $b
       | "  within each repetition (each side's best placement in it): "
         + ([("xlane/dpdk", "xlane/kernel-recvmmsg") as $k | $b.ratios[$k] as $s
             | "\($k) " + (if $s == null then "n/a"
                           else "\($s.median | x) [\($s.min | x)-\($s.max | x)] over \($s.n) repetition(s)" end)]
            | join(", "))
     end)
end
