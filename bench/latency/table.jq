# SPDX-License-Identifier: BSD-2-Clause
# results/latency.json -> the tab-separated rows lat_table reads (see lat_table.c).
def med($s): $s.summary.latency_ns;
.servers[] as $srv
| ($srv.runs | to_entries[]) as $r
| $r.value as $d
| if ($d.mode == "pingpong" or $d.mode == "open") then
    [ "lat", $srv.name, $r.key ]
    + ([ "min", "p50", "p90", "p99", "p99.9", "p99.99", "max", "mean" ] | map(med($d)[.].median))
    + [ med($d).p50.min, med($d).p50.max, med($d).p99.min, med($d).p99.max,
        $d.summary.rx_pps.median, $d.summary.loss_ratio ]
  elif $d.mode == "tput" then
    [ "tput", $srv.name, $r.key, $d.max_rate.pps.median, $d.max_rate.pps.min, $d.max_rate.pps.max,
      (if $d.max_rate.lower_bound then 1 else 0 end) ]
  else empty end
| map(tostring) | join("\t")
