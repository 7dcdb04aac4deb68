/* SPDX-License-Identifier: BSD-2-Clause */
/**
 * @file stats_fmt.h
 * @brief A statistics snapshot (control.h, struct xl_stats_snapshot) as a human table, as JSON
 * and as the Prometheus text exposition format (version 0.0.4).
 *
 * All three writers walk the same descriptor tables (per-queue counters, XDP_STATISTICS, frame
 * locations, steering counters), so a counter added to the snapshot and to the table shows up in
 * every format.
 *
 * Prometheus: every metric is named xlane_*, counters end in _total, every family has one
 * # HELP and one # TYPE line before its samples, and every sample carries an iface label; the
 * per-queue families add queue, the pass counters add reason, the steered counters add via, the
 * frame locations add location. xl_stats_write_prometheus() writes a file atomically for
 * node_exporter's textfile collector (temporary file in the same directory, fsync, rename).
 *
 * The writers only write to the FILE they are given; they allocate nothing. Thread-safe as long
 * as the FILE is not shared.
 */
#ifndef XLANE_STATS_FMT_H
#define XLANE_STATS_FMT_H

#include <stdio.h>

#include "control.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @brief **xl_stats_fmt_table()** writes the snapshot as aligned text for people.
 * @return 0, or -EIO (errno set) when writing failed
 */
int xl_stats_fmt_table(FILE *f, const struct xl_stats_snapshot *s);

/**
 * @brief **xl_stats_fmt_json()** writes the snapshot as one JSON object and a newline
 * (layout in xlane(8), STATISTICS).
 * @return 0, or -EIO (errno set)
 */
int xl_stats_fmt_json(FILE *f, const struct xl_stats_snapshot *s);

/**
 * @brief **xl_stats_fmt_prometheus()** writes the snapshot in the Prometheus text exposition
 * format.
 * @return 0, or -EIO (errno set)
 */
int xl_stats_fmt_prometheus(FILE *f, const struct xl_stats_snapshot *s);

/**
 * @brief **xl_stats_write_prometheus()** writes xl_stats_fmt_prometheus() output to @p path
 * atomically: a temporary file "<path>.tmp.XXXXXX" in the same directory (not matched by the
 * textfile collector's *.prom glob), mode 0644, fsync, then rename over @p path. On failure the
 * temporary file is removed and @p path is left as it was.
 * @return 0, or -errno (errno set): -ENOENT/-EACCES for the directory, -EIO, -ENOSPC, ...
 */
int xl_stats_write_prometheus(const char *path, const struct xl_stats_snapshot *s);

/**
 * @brief **xl_prom_escape_label()** escapes a label value (backslash, double quote, newline) into
 * @p buf.
 * @return the length, or -ENOSPC (errno set)
 */
int xl_prom_escape_label(const char *in, char *buf, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* XLANE_STATS_FMT_H */
