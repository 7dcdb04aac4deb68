# SPDX-License-Identifier: BSD-2-Clause
# The round-trip breakdown of results/latency.json as text lines (scripts/bench-latency.sh prints
# them under the table): per stamped xlane run, each segment's p50 / p99 (median over the
# repetitions' merged histogram) and the stamped round trip for comparison with the table.
def us: . / 1000 | . * 10 | round / 10 | tostring;
if .breakdown.skipped then "round-trip breakdown: skipped (\(.breakdown.skipped))"
else
  "round-trip breakdown (xlane with --rx-stamp --handler echo-ts, lat_client --stamp, \(.breakdown.payload_bytes)-byte probes; us, p50 / p99):",
  (.breakdown.runs | to_entries[] | .key as $n | .value as $r | $r.breakdown as $b
   | "  \($n): client->XDP \($b.segments_ns.client_to_xdp.p50 | us) / \($b.segments_ns.client_to_xdp.p99 | us),"
     + " XDP->worker \($b.segments_ns.xdp_to_worker.p50 | us) / \($b.segments_ns.xdp_to_worker.p99 | us),"
     + " worker->client \($b.segments_ns.worker_to_client.p50 | us) / \($b.segments_ns.worker_to_client.p99 | us);"
     + " stamped round trip \($r.summary.latency_ns.p50.median | us) / \($r.summary.latency_ns.p99.median | us)"
     + " (stamp source: \($b.source); \($b.echoes.ktime + $b.echoes.rx_meta) stamped, \($b.echoes.none) not)")
end
