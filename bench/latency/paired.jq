# SPDX-License-Identifier: BSD-2-Clause
# The paired rounds of results/latency.json as text lines (scripts/bench-latency.sh prints them
# under the table): xlane busy poll against each latency reference, ratios within each round.
def x: (. * 100 | round / 100 | tostring) + "x";
def xn: if . == null then "n/a" else x end;
def r: if . == null or .median == null then "n/a" else "\(.median | x) [\(.min | x)-\(.max | x)]" end;
if (.paired // null) == null then "paired rounds: not in this document"
elif .paired.skipped then "paired rounds: skipped (\(.paired.skipped))"
else
  .paired as $p
  | "paired rounds (\($p.server) right next to each reference, \($p.rounds) round(s), every server fresh in each, \($p.duration_s) s of ping-pong per client mode; ratio within each round, median [min-max] over the rounds):",
    ($p.ratios | to_entries[]
     | "  \(.key): spinning client p50 \(.value["pingpong-spin"].p50 | r), p99 \(.value["pingpong-spin"].p99 | r); blocking client p50 \(.value["pingpong-block"].p50 | r), p99 \(.value["pingpong-block"].p99 | r)"),
    "  fastest round against fastest round (each server's lowest p50 and p99 over the rounds: this VM switches between a fast and a slow state, which one server may meet in a round and its reference not):",
    (($p.best_ratios // {}) | to_entries[]
     | "  \(.key), fastest rounds: spinning client p50 \(.value["pingpong-spin"].p50 | xn), p99 \(.value["pingpong-spin"].p99 | xn); blocking client p50 \(.value["pingpong-block"].p50 | xn), p99 \(.value["pingpong-block"].p99 | xn)")
end
