# SPDX-License-Identifier: BSD-2-Clause
# The schema of the latency harness's JSON, as a jq program (jq is the one JSON tool the harness
# already needs). Usage:
#   jq -e --arg kind client  -f bench/latency/schema.jq lat_client.json     one lat_client --json
#   jq -e --arg kind results -f bench/latency/schema.jq results/latency.json the whole comparison
# Prints true and exits 0 when the document conforms; otherwise stops with an error that lists
# every violation as PATH: PROBLEM (exit status 5).

def t($p; $want):
  (getpath($p) | type) as $got
  | if $got == $want then [] else ["\($p | map(tostring) | join(".")): \($got), want \($want)"] end;
def oneof($p; $vals):
  getpath($p) as $v
  | if any($vals[]; . == $v) then [] else ["\($p | map(tostring) | join(".")): \($v | tojson) not in \($vals | tojson)"] end;
def rule($ok; $msg): if $ok then [] else [$msg] end;

def pcts: ["min", "p50", "p90", "p99", "p99.9", "p99.99", "max"];

# one measurement (a repetition or a step)
def check_point($p):
  ([("rep", "offered_pps", "sent", "received", "lost", "loss_ratio", "dups", "reordered",
     "corrupt", "stale", "foreign", "timeouts", "send_errors", "refused", "elapsed_s", "tx_pps",
     "rx_pps", "max_lag_ns", "end_lag_ns") as $k | t($p + [$k]; "number")] | add)
  + t($p + ["generator_limited"]; "boolean") + t($p + ["pass"]; "boolean")
  + t($p + ["latency_ns"]; "object")
  + ([(pcts[], "mean") as $k | t($p + ["latency_ns", $k]; "number")] | add)
  + (getpath($p) as $x
     | if ($x.latency_ns | type) == "object" and ($x.sent | type) == "number" then
         rule($x.received <= $x.sent; "\($p | map(tostring) | join(".")): received > sent")
         + rule($x.lost == $x.sent - $x.received; "\($p | map(tostring) | join(".")): lost != sent - received")
         + rule([pcts[] as $k | $x.latency_ns[$k]] as $v | $v == ($v | sort);
                "\($p | map(tostring) | join(".")): percentiles not monotone")
       else [] end);

def check_spread($p):
  t($p; "object") + ([("median", "min", "max") as $k | t($p + [$k]; "number")] | add)
  + (getpath($p) as $s | if ($s | type) == "object" and ($s.min | type) == "number"
                         then rule($s.min <= $s.median and $s.median <= $s.max;
                                   "\($p | map(tostring) | join(".")): min <= median <= max broken")
                         else [] end);

# lat_client --stamp: the round trip split at the server's stamps (null without --stamp)
def check_breakdown($p):
  if getpath($p) == null then [] else
    t($p; "object")
    + oneof($p + ["source"]; ["none", "ktime", "rx_meta", "ktime+rx_meta"])
    + ([("none", "ktime", "rx_meta", "out_of_order") as $k | t($p + ["echoes", $k]; "number")] | add)
    + ([("client_to_xdp", "xdp_to_worker", "worker_to_client") as $s
        | ([(pcts[], "mean") as $k | t($p + ["segments_ns", $s, $k]; "number")] | add)
          + (getpath($p + ["segments_ns", $s]) as $x
             | if ($x | type) == "object" then
                 rule([pcts[] as $k | $x[$k]] as $v | $v == ($v | sort);
                      "\($p | map(tostring) | join(".")).segments_ns.\($s): percentiles not monotone")
               else [] end)] | add)
  end;

def check_client($p):
  t($p; "object")
  + (if (getpath($p) | type) != "object" then [] else
      rule(getpath($p + ["schema"]) == "xlane-latency-client/1"; "\($p | map(tostring) | join(".")).schema: not xlane-latency-client/1")
      + ([("label", "server") as $k | t($p + [$k]; "string")] | add)
      + oneof($p + ["mode"]; ["pingpong", "open", "sweep", "tput"])
      + oneof($p + ["wait"]; ["spin", "block"])
      + oneof($p + ["family"]; ["ipv4", "ipv6"])
      + ([("port", "flows", "payload_bytes", "cpu", "repeat", "warmup_s", "duration_s", "count",
           "timeout_ms", "drain_ms", "rate_pps", "step_s", "loss_target") as $k
          | t($p + [$k]; "number")] | add)
      + t($p + ["repetitions"]; "array") + t($p + ["steps"]; "array") + t($p + ["hdr"]; "array")
      + t($p + ["summary"]; "object")
      + ([range(0; getpath($p + ["repetitions"]) | length) as $i | check_point($p + ["repetitions", $i])] | add // [])
      + ([range(0; getpath($p + ["steps"]) | length) as $i | check_point($p + ["steps", $i])] | add // [])
      + ([(pcts[], "mean") as $k | check_spread($p + ["summary", "latency_ns", $k])] | add)
      + check_spread($p + ["summary", "rx_pps"])
      + check_breakdown($p + ["breakdown"])
      + ([("sent", "received", "lost", "loss_ratio") as $k | t($p + ["summary", $k]; "number")] | add)
      + (getpath($p) as $d
         | (if ($d.mode == "pingpong" or $d.mode == "open")
            then rule(($d.repetitions | length) == $d.repeat; "\($p | map(tostring) | join(".")): \($d.repetitions | length) repetitions, want \($d.repeat)")
            else rule(($d.steps | length) > 0; "\($p | map(tostring) | join(".")): no steps") end)
         + (if $d.mode == "tput"
            then check_spread($p + ["max_rate", "pps"]) + t($p + ["max_rate", "lower_bound"]; "boolean")
            else [] end)
         + rule(($d.hdr | all(type == "array" and length == 2 and (.[0] | type) == "number" and (.[1] | type) == "number"));
                "\($p | map(tostring) | join(".")).hdr: want [[percentile, ns], ...]")
         + rule(($d.hdr | map(.[1])) == ($d.hdr | map(.[1]) | sort); "\($p | map(tostring) | join(".")).hdr: values not monotone"))
    end);

def check_results:
  rule(.schema == "xlane-latency/1"; "schema: not xlane-latency/1")
  + t(["generated_utc"]; "string") + t(["command"]; "string") + t(["quick"]; "boolean")
  # source (the checkout's commit, and whether tracked files differed): since 2026-12-04 21:50
  + (if has("source") then
       t(["source"]; "object")
       + rule((.source.commit | type) == "null" or ((.source.commit | type) == "string" and (.source.commit | test("^[0-9a-f]{40}$"))); "source.commit: not a commit id or null")
       + rule((.source.modified | type) == "boolean" or ((.source.modified | type) == "null" and .source.commit == null); "source.modified: not a boolean")
     else [] end)
  + t(["fingerprint"]; "object")
  + ([("kernel", "cpu_model", "governor", "iface", "driver", "numa_node", "rx_queues", "tx_queues",
       "rings", "busy_poll", "napi_defer_hard_irqs", "gro_flush_timeout", "pinning", "rx_steering") as $k
      | if (.fingerprint | type) == "object" and (.fingerprint | has($k)) then [] else ["fingerprint.\($k): missing"] end] | add)
  + t(["config"]; "object") + t(["servers"]; "array")
  + rule((.servers | length) > 0; "servers: empty")
  + ([range(0; .servers | length) as $i
      | t(["servers", $i, "name"]; "string") + t(["servers", $i, "description"]; "string")
        + t(["servers", $i, "runs"]; "object")
        + ((.servers[$i].runs | if type == "object" then keys else [] end) as $ks
           | [$ks[] as $r | check_client(["servers", $i, "runs", $r])] | add // [])]
     | add // [])
  + t(["cold_path_tax"]; "object") + t(["skipped"]; "array")
  + t(["breakdown"]; "object") + t(["receive_only"]; "object")
  + (. as $doc | .receive_only as $ro
     | if ($ro | type) != "object" or $ro.skipped != null then [] else
         t(["receive_only", "generator"]; "string") + t(["receive_only", "receivers"]; "object")
         + t(["receive_only", "best"]; "object")
         + ([($ro.receivers // {}) | keys[] as $k | range(0; $ro.receivers[$k].runs | length) as $i
             | ["receive_only", "receivers", $k, "runs", $i] as $p
             | $doc | t($p + ["generator"]; "string") + t($p + ["received"]; "number")
               + t($p + ["sent"]; "number") + t($p + ["generator_limited"]; "boolean")] | add // [])
         # the ratios within each repetition (documents before 2026-12-05 have none)
         + (if $ro.by_repetition == null then [] else
              t(["receive_only", "by_repetition", "per_rep"]; "array")
              + ([($ro.by_repetition.per_rep // [])[] | .["xlane/dpdk"], .["xlane/kernel-recvmmsg"]]
                 | rule(all(.[]; . == null or (type == "number" and . > 0));
                        "receive_only.by_repetition.per_rep: a ratio that is not a positive number"))
              + ([("xlane/dpdk", "xlane/kernel-recvmmsg") as $k
                  | if $ro.by_repetition.ratios[$k] == null then []
                    else $doc | check_spread(["receive_only", "by_repetition", "ratios", $k]) end] | add)
            end)
       end)
  # paired rounds (documents before 2026-12-05 have none): every ratio is positive, and each
  # summary spans its rounds
  + (. as $doc | .paired as $pr
     | if $pr == null or ($pr | type) != "object" or $pr.skipped != null then [] else
         t(["paired", "server"]; "string") + t(["paired", "references"]; "array")
         + t(["paired", "rounds"]; "number") + t(["paired", "runs"]; "array")
         + t(["paired", "ratios"]; "object")
         + (if $pr.best_ratios != null then t(["paired", "best_ratios"]; "object") + t(["paired", "best"]; "object") else [] end)
         + ([($pr.ratios // {}) | to_entries[] | .key as $k | .value | to_entries[] | .key as $m
             | .value | to_entries[] | .key as $q | .value as $v
             | ["paired", "ratios", $k, $m, $q] as $p
             | $doc | t($p + ["per_round"]; "array")
               + rule(all($v.per_round[]?; type == "number" and . > 0);
                      "\($p | join(".")).per_round: a ratio that is not a positive number")
               + (if ($v.per_round | length) > 0 then check_spread($p) else [] end)] | add // [])
       end)
  + ((.breakdown.runs // {}) | keys) as $bk
  | . as $doc | ([$bk[] as $r | check_client(["breakdown", "runs", $r])
                 + rule(($doc.breakdown.runs[$r].breakdown | type) == "object";
                        "breakdown.runs.\($r).breakdown: missing (run without --stamp?)")] | add // []);

(if $kind == "client" then check_client([])
 elif $kind == "results" then check_results
 else ["--arg kind must be client or results"] end) as $errors
| if ($errors | length) == 0 then true else error($errors | join("\n")) end
