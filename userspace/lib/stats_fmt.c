// SPDX-License-Identifier: BSD-2-Clause
/* Statistics snapshot -> table, JSON, Prometheus text exposition format (see stats_fmt.h). */
#include "stats_fmt.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- descriptor tables: one row per counter, shared by every format ------------------------ */

enum { QF_COUNTER, QF_GAUGE };

struct qfield {
	const char *name; /* JSON key and the middle of the metric name */
	size_t off;	  /* offsetof(struct xl_queue_stats, ...) */
	const char *help;
	bool in_table; /* also a column of the human table */
};

#define QF(field, help)                                                     \
	{                                                                   \
#field, offsetof(struct xl_queue_stats, field), help, false \
	}
#define QT(field, help)                                                    \
	{                                                                  \
#field, offsetof(struct xl_queue_stats, field), help, true \
	}

/* per-queue counters of the worker */
static const struct qfield q_counters[] = {
	QT(rx_packets, "Frames taken from the AF_XDP RX ring."),
	QF(rx_bytes, "Bytes of the frames taken from the RX ring."),
	QT(tx_packets, "Frames put on the TX ring (verdict TX)."),
	QF(tx_bytes, "Bytes of the frames put on the TX ring."),
	QF(tx_completed, "Frames reaped from the completion ring."),
	QT(fwd_packets, "Frames put on the forwarding interface's TX ring."),
	QT(dropped, "Frames the handler dropped."),
	QF(pass_unsupported, "Frames with verdict PASS (no re-injection on AF_XDP: dropped)."),
	QT(tx_full_drops, "TX or FWD verdicts dropped because the TX ring was full."),
	QT(fill_empty, "Fill-ring-empty events seen by the worker."),
	QT(pool_get_fails, "Fill-ring refills that got fewer frames from the pool than asked."),
	QF(wakeups, "Kicks and waits issued (sendto, recvfrom, poll)."),
	QF(batches, "Non-empty RX bursts handled."),
	QF(fill_submitted, "Frames put on the fill ring since the start."),
};

/* XDP_STATISTICS (getsockopt), named as in struct xdp_statistics */
static const struct qfield q_xdp[] = {
	{"rx_dropped", offsetof(struct xl_queue_stats, xdp_rx_dropped),
	 "XDP_STATISTICS rx_dropped: frames dropped for other reasons.", false},
	{"rx_invalid_descs", offsetof(struct xl_queue_stats, xdp_rx_invalid_descs),
	 "XDP_STATISTICS rx_invalid_descs: invalid RX descriptors.", false},
	{"tx_invalid_descs", offsetof(struct xl_queue_stats, xdp_tx_invalid_descs),
	 "XDP_STATISTICS tx_invalid_descs: invalid TX descriptors.", false},
	{"rx_ring_full", offsetof(struct xl_queue_stats, xdp_rx_ring_full),
	 "XDP_STATISTICS rx_ring_full: frames dropped because the RX ring was full.", false},
	{"rx_fill_ring_empty_descs", offsetof(struct xl_queue_stats, xdp_rx_fill_ring_empty_descs),
	 "XDP_STATISTICS rx_fill_ring_empty_descs: fill ring empty when the kernel needed a frame.",
	 false},
	{"tx_ring_empty_descs", offsetof(struct xl_queue_stats, xdp_tx_ring_empty_descs),
	 "XDP_STATISTICS tx_ring_empty_descs: TX ring empty when the kernel looked.", false},
};

/* per-queue frame locations */
static const struct qfield q_frames[] = {
	{"fill", offsetof(struct xl_queue_stats, frames_fill), NULL, false},
	{"rx", offsetof(struct xl_queue_stats, frames_rx), NULL, false},
	{"worker", offsetof(struct xl_queue_stats, frames_worker), NULL, false},
	{"tx", offsetof(struct xl_queue_stats, frames_tx), NULL, false},
	{"comp", offsetof(struct xl_queue_stats, frames_comp), NULL, false},
};

struct sfield {
	const char *name;
	size_t off; /* offsetof(struct xl_stats_snapshot, ...) */
};

#define SF(name, field)                                         \
	{                                                       \
		name, offsetof(struct xl_stats_snapshot, field) \
	}

/* interface-wide frame locations: their sum is frames_total */
static const struct sfield s_frames[] = {
	SF("pool", frames_pool),     SF("fill", frames_fill), SF("rx", frames_rx),
	SF("worker", frames_worker), SF("tx", frames_tx),     SF("comp", frames_comp),
	SF("kernel", frames_kernel),
};

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static uint64_t qget(const struct xl_queue_stats *q, const struct qfield *f)
{
	uint64_t v;

	memcpy(&v, (const char *)q + f->off, sizeof(v));
	return v;
}

static uint64_t sget(const struct xl_stats_snapshot *s, const struct sfield *f)
{
	uint64_t v;

	memcpy(&v, (const char *)s + f->off, sizeof(v));
	return v;
}

static unsigned int n_queues(const struct xl_stats_snapshot *s)
{
	return s->n_queues < XL_MAX_QUEUES ? s->n_queues : XL_MAX_QUEUES;
}

static unsigned int n_steer(const struct xl_stats_snapshot *s)
{
	return s->n_steer < XL_STEER_MAX_COUNTERS ? s->n_steer : XL_STEER_MAX_COUNTERS;
}

/* Steering counters: "steered_X" -> group via, "pass_X" -> group reason, else on its own. */
enum steer_group { SG_OTHER, SG_STEERED, SG_PASSED };

static enum steer_group steer_split(unsigned int i, const char **rest, char *tmp, size_t len)
{
	const char *name = xl_steer_counter_name(i);

	if (!name) {
		snprintf(tmp, len, "counter_%u", i);
		*rest = tmp;
		return SG_OTHER;
	}
	if (!strncmp(name, "steered_", 8)) {
		*rest = name + 8;
		return SG_STEERED;
	}
	if (!strncmp(name, "pass_", 5)) {
		*rest = name + 5;
		return SG_PASSED;
	}
	*rest = name;
	return SG_OTHER;
}

/* A metric name or label value made of [a-zA-Z0-9_] only (anything else becomes '_'). */
static void sanitize(const char *in, char *out, size_t len)
{
	size_t i;

	for (i = 0; in[i] && i + 1 < len; i++) {
		char ch = in[i];

		out[i] = ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			  (ch >= '0' && ch <= '9'))
				 ? ch
				 : '_';
	}
	out[i] = '\0';
}

static int finish(FILE *f)
{
	if (ferror(f)) {
		errno = EIO;
		return -EIO;
	}
	return 0;
}

/* ---- JSON ------------------------------------------------------------------------------------ */

static void json_str(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', f);
	for (; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

/* ifname is a fixed array: copy it out NUL-terminated */
static void ifname_of(const struct xl_stats_snapshot *s, char *buf, size_t len)
{
	size_t n = strnlen(s->ifname, sizeof(s->ifname));

	if (n >= len)
		n = len - 1;
	memcpy(buf, s->ifname, n);
	buf[n] = '\0';
}

int xl_stats_fmt_json(FILE *f, const struct xl_stats_snapshot *s)
{
	char ifname[sizeof(s->ifname) + 1], tmp[32];
	const struct xl_queue_stats *q;
	const char *rest;
	unsigned int i, j, nq = n_queues(s), ns = n_steer(s);
	enum steer_group g, want;
	bool first;

	ifname_of(s, ifname, sizeof(ifname));
	fprintf(f, "{\"iface\":");
	json_str(f, ifname);
	fprintf(f,
		",\"ifindex\":%" PRIu32 ",\"pid\":%" PRId32 ",\"started_ns\":%" PRIu64
		",\"updated_ns\":%" PRIu64,
		s->ifindex, s->pid, s->started_ns, s->updated_ns);
	fprintf(f, ",\"attach\":{\"mode\":");
	json_str(f, xl_attach_mode_name(s->attach_mode));
	fprintf(f, ",\"method\":\"%s\",\"fallback\":%s}",
		s->attach_method == XL_METHOD_LINK	   ? "link"
		: s->attach_method == XL_METHOD_DISPATCHER ? "dispatcher"
							   : "none",
		s->attach_fallback ? "true" : "false");

	fprintf(f, ",\"queues\":[");
	for (i = 0; i < nq; i++) {
		q = &s->q[i];
		fprintf(f, "%s{\"queue\":%" PRIu32 ",\"bind_mode\":", i ? "," : "", q->queue);
		json_str(f, xl_bind_mode_name(q->bind_mode));
		fprintf(f, ",\"need_wakeup\":%s,\"cpu\":%" PRId32,
			q->need_wakeup ? "true" : "false", q->cpu);
		for (j = 0; j < ARRAY_LEN(q_counters); j++)
			fprintf(f, ",\"%s\":%" PRIu64, q_counters[j].name, qget(q, &q_counters[j]));
		fprintf(f, ",\"xdp_statistics\":{");
		for (j = 0; j < ARRAY_LEN(q_xdp); j++)
			fprintf(f, "%s\"%s\":%" PRIu64, j ? "," : "", q_xdp[j].name,
				qget(q, &q_xdp[j]));
		fprintf(f, "},\"frames\":{");
		for (j = 0; j < ARRAY_LEN(q_frames); j++)
			fprintf(f, "%s\"%s\":%" PRIu64, j ? "," : "", q_frames[j].name,
				qget(q, &q_frames[j]));
		fprintf(f, "}}");
	}
	fprintf(f, "]");

	fprintf(f, ",\"frames\":{\"total\":%" PRIu64, s->frames_total);
	for (j = 0; j < ARRAY_LEN(s_frames); j++)
		fprintf(f, ",\"%s\":%" PRIu64, s_frames[j].name, sget(s, &s_frames[j]));
	/* conserved is only known from a settled read; under load it is null, not a guess */
	fprintf(f, ",\"sum\":%" PRIu64 ",\"settled\":%s,\"conserved\":%s}", s->frames_sum,
		s->frames_settled ? "true" : "false",
		!s->frames_settled		   ? "null"
		: s->frames_sum == s->frames_total ? "true"
						   : "false");

	fprintf(f,
		",\"pool\":{\"frame_size\":%" PRIu32 ",\"umem_bytes\":%" PRIu64
		",\"hugepages\":%s,\"high_water\":%" PRIu64 ",\"hint_frames\":%" PRIu64
		",\"hint_bytes\":%" PRIu64 ",\"umem_node\":%" PRId32 ",\"nic_node\":%" PRId32 "}",
		s->frame_size, s->umem_bytes, s->umem_huge ? "true" : "false", s->pool_high_water,
		s->hint_frames, s->hint_bytes, s->umem_node, s->nic_node);

	/* steering counters: ungrouped first, then "steered" and "passed" objects */
	fprintf(f, ",\"steer\":{");
	first = true;
	for (i = 0; i < ns; i++) {
		if (steer_split(i, &rest, tmp, sizeof(tmp)) != SG_OTHER)
			continue;
		fprintf(f, "%s", first ? "" : ",");
		json_str(f, rest);
		fprintf(f, ":%" PRIu64, s->steer[i]);
		first = false;
	}
	for (want = SG_STEERED; want <= SG_PASSED; want++) {
		fprintf(f, "%s\"%s\":{", first ? "" : ",",
			want == SG_STEERED ? "steered" : "passed");
		first = false;
		for (i = 0, j = 0; i < ns; i++) {
			g = steer_split(i, &rest, tmp, sizeof(tmp));
			if (g != want)
				continue;
			fprintf(f, "%s", j++ ? "," : "");
			json_str(f, rest);
			fprintf(f, ":%" PRIu64, s->steer[i]);
		}
		fprintf(f, "}");
	}
	fprintf(f, "}");
	fprintf(f, ",\"ntuple\":{\"filters\":%u,\"queue\":", s->ntuple_filters);
	if (s->ntuple_queue >= 0)
		fprintf(f, "%d}", s->ntuple_queue);
	else
		fprintf(f, "null}");
	fprintf(f, ",\"hot\":{\"flows\":%" PRIu64 ",\"demotions\":%" PRIu64 "}}\n", s->hot_flows,
		s->hot_demotions);
	return finish(f);
}

/* ---- Prometheus ----------------------------------------------------------------------------- */

int xl_prom_escape_label(const char *in, char *buf, size_t len)
{
	size_t n = 0;

	for (; *in; in++) {
		const char *rep = NULL;
		char one[2] = {*in, 0};

		if (*in == '\\')
			rep = "\\\\";
		else if (*in == '"')
			rep = "\\\"";
		else if (*in == '\n')
			rep = "\\n";
		else
			rep = one;
		if (n + strlen(rep) + 1 > len) {
			errno = ENOSPC;
			return -ENOSPC;
		}
		memcpy(buf + n, rep, strlen(rep));
		n += strlen(rep);
	}
	if (n + 1 > len) {
		errno = ENOSPC;
		return -ENOSPC;
	}
	buf[n] = '\0';
	return (int)n;
}

static void prom_head(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

int xl_stats_fmt_prometheus(FILE *f, const struct xl_stats_snapshot *s)
{
	char ifname[sizeof(s->ifname) + 1], lbl[2 * sizeof(s->ifname) + 4], name[128], tmp[32],
		san[64];
	const struct xl_queue_stats *q;
	unsigned int i, j, nq = n_queues(s), ns = n_steer(s);
	enum steer_group g;
	const char *rest;

	ifname_of(s, ifname, sizeof(ifname));
	if (xl_prom_escape_label(ifname, lbl, sizeof(lbl)) < 0)
		snprintf(lbl, sizeof(lbl), "?");

	prom_head(f, "xlane_info", "gauge",
		  "Attach mode and method obtained (1 per running instance).");
	fprintf(f,
		"xlane_info{iface=\"%s\",attach_mode=\"%s\",attach_method=\"%s\","
		"attach_fallback=\"%u\"} 1\n",
		lbl, xl_attach_mode_name(s->attach_mode),
		s->attach_method == XL_METHOD_LINK	   ? "link"
		: s->attach_method == XL_METHOD_DISPATCHER ? "dispatcher"
							   : "none",
		s->attach_fallback ? 1u : 0u);
	prom_head(f, "xlane_start_time_seconds", "gauge",
		  "When the instance started, seconds since the Unix epoch.");
	fprintf(f, "xlane_start_time_seconds{iface=\"%s\"} %" PRIu64 ".%09" PRIu64 "\n", lbl,
		s->started_ns / 1000000000u, s->started_ns % 1000000000u);

	/* per queue */
	prom_head(f, "xlane_queue_info", "gauge",
		  "Bind mode obtained per socket (read back with XDP_OPTIONS) and worker CPU.");
	for (i = 0; i < nq; i++)
		fprintf(f,
			"xlane_queue_info{iface=\"%s\",queue=\"%" PRIu32 "\",bind_mode=\"%s\","
			"cpu=\"%" PRId32 "\",need_wakeup=\"%u\"} 1\n",
			lbl, s->q[i].queue, xl_bind_mode_name(s->q[i].bind_mode), s->q[i].cpu,
			s->q[i].need_wakeup ? 1u : 0u);
	for (j = 0; j < ARRAY_LEN(q_counters); j++) {
		snprintf(name, sizeof(name), "xlane_queue_%s_total", q_counters[j].name);
		prom_head(f, name, "counter", q_counters[j].help);
		for (i = 0; i < nq; i++) {
			q = &s->q[i];
			fprintf(f, "%s{iface=\"%s\",queue=\"%" PRIu32 "\"} %" PRIu64 "\n", name,
				lbl, q->queue, qget(q, &q_counters[j]));
		}
	}
	for (j = 0; j < ARRAY_LEN(q_xdp); j++) {
		snprintf(name, sizeof(name), "xlane_xdp_%s_total", q_xdp[j].name);
		prom_head(f, name, "counter", q_xdp[j].help);
		for (i = 0; i < nq; i++) {
			q = &s->q[i];
			fprintf(f, "%s{iface=\"%s\",queue=\"%" PRIu32 "\"} %" PRIu64 "\n", name,
				lbl, q->queue, qget(q, &q_xdp[j]));
		}
	}
	prom_head(f, "xlane_queue_frames", "gauge",
		  "UMEM frames of each queue by location (fill, rx, worker, tx, comp).");
	for (i = 0; i < nq; i++)
		for (j = 0; j < ARRAY_LEN(q_frames); j++)
			fprintf(f,
				"xlane_queue_frames{iface=\"%s\",queue=\"%" PRIu32
				"\",location=\"%s\"} %" PRIu64 "\n",
				lbl, s->q[i].queue, q_frames[j].name, qget(&s->q[i], &q_frames[j]));

	/* frames and pool */
	prom_head(f, "xlane_frames", "gauge",
		  "UMEM frames by location; the locations sum to xlane_umem_frames.");
	for (j = 0; j < ARRAY_LEN(s_frames); j++)
		fprintf(f, "xlane_frames{iface=\"%s\",location=\"%s\"} %" PRIu64 "\n", lbl,
			s_frames[j].name, sget(s, &s_frames[j]));
	prom_head(f, "xlane_frames_settled", "gauge",
		  "1 when the frame locations were read with every worker at rest (their sum is "
		  "exact), 0 when read under load.");
	fprintf(f, "xlane_frames_settled{iface=\"%s\"} %" PRIu32 "\n", lbl, s->frames_settled);
	prom_head(f, "xlane_umem_frames", "gauge", "Frames in the UMEM.");
	fprintf(f, "xlane_umem_frames{iface=\"%s\"} %" PRIu64 "\n", lbl, s->frames_total);
	prom_head(f, "xlane_umem_bytes", "gauge", "Bytes allocated for the UMEM.");
	fprintf(f, "xlane_umem_bytes{iface=\"%s\"} %" PRIu64 "\n", lbl, s->umem_bytes);
	prom_head(f, "xlane_umem_hugepages", "gauge", "1 when the UMEM sits on 2 MiB hugepages.");
	fprintf(f, "xlane_umem_hugepages{iface=\"%s\"} %u\n", lbl, s->umem_huge ? 1u : 0u);
	prom_head(f, "xlane_frame_size_bytes", "gauge", "Bytes per UMEM frame.");
	fprintf(f, "xlane_frame_size_bytes{iface=\"%s\"} %" PRIu32 "\n", lbl, s->frame_size);
	prom_head(f, "xlane_pool_high_water_frames", "gauge",
		  "Most frames out of the pool at once since the start.");
	fprintf(f, "xlane_pool_high_water_frames{iface=\"%s\"} %" PRIu64 "\n", lbl,
		s->pool_high_water);
	prom_head(f, "xlane_pool_hint_frames", "gauge",
		  "Right-sizing hint: the high-water mark plus 25% headroom, in frames.");
	fprintf(f, "xlane_pool_hint_frames{iface=\"%s\"} %" PRIu64 "\n", lbl, s->hint_frames);
	prom_head(f, "xlane_pool_hint_bytes", "gauge", "Right-sizing hint in bytes.");
	fprintf(f, "xlane_pool_hint_bytes{iface=\"%s\"} %" PRIu64 "\n", lbl, s->hint_bytes);

	/* steering program */
	prom_head(f, "xlane_steer_steered_total", "counter",
		  "Frames the steering program redirected to the fast lane, by what matched.");
	for (i = 0; i < ns; i++) {
		if (steer_split(i, &rest, tmp, sizeof(tmp)) != SG_STEERED)
			continue;
		sanitize(rest, san, sizeof(san));
		fprintf(f, "xlane_steer_steered_total{iface=\"%s\",via=\"%s\"} %" PRIu64 "\n", lbl,
			san, s->steer[i]);
	}
	prom_head(f, "xlane_steer_passed_total", "counter",
		  "Frames the steering program passed to the kernel, by reason.");
	for (i = 0; i < ns; i++) {
		if (steer_split(i, &rest, tmp, sizeof(tmp)) != SG_PASSED)
			continue;
		sanitize(rest, san, sizeof(san));
		fprintf(f, "xlane_steer_passed_total{iface=\"%s\",reason=\"%s\"} %" PRIu64 "\n",
			lbl, san, s->steer[i]);
	}
	for (i = 0; i < ns; i++) {
		g = steer_split(i, &rest, tmp, sizeof(tmp));
		if (g != SG_OTHER)
			continue;
		sanitize(rest, san, sizeof(san));
		snprintf(name, sizeof(name), "xlane_steer_%s_total", san);
		fprintf(f, "# HELP %s Steering program counter '%s', summed over CPUs.\n", name,
			san);
		fprintf(f, "# TYPE %s counter\n", name);
		fprintf(f, "%s{iface=\"%s\"} %" PRIu64 "\n", name, lbl, s->steer[i]);
	}
	prom_head(f, "xlane_ntuple_filters", "gauge",
		  "ethtool ntuple filters installed by --ntuple-queue (queue label: their queue).");
	fprintf(f, "xlane_ntuple_filters{iface=\"%s\",queue=\"%d\"} %u\n", lbl, s->ntuple_queue,
		s->ntuple_filters);
	prom_head(f, "xlane_hot_flows", "gauge", "Flows in the hot set.");
	fprintf(f, "xlane_hot_flows{iface=\"%s\"} %" PRIu64 "\n", lbl, s->hot_flows);
	prom_head(f, "xlane_hot_demotions_total", "counter",
		  "Hot flows demoted by the daemon for idleness.");
	fprintf(f, "xlane_hot_demotions_total{iface=\"%s\"} %" PRIu64 "\n", lbl, s->hot_demotions);
	return finish(f);
}

int xl_stats_write_prometheus(const char *path, const struct xl_stats_snapshot *s)
{
	size_t plen = strlen(path);
	char *tmp;
	FILE *f = NULL;
	int fd, ret;

	tmp = malloc(plen + sizeof(".tmp.XXXXXX"));
	if (!tmp) {
		errno = ENOMEM;
		return -ENOMEM;
	}
	memcpy(tmp, path, plen);
	memcpy(tmp + plen, ".tmp.XXXXXX", sizeof(".tmp.XXXXXX"));
	fd = mkstemp(tmp);
	if (fd < 0) {
		ret = -errno;
		goto out_free;
	}
	if (fchmod(fd, 0644)) {
		ret = -errno;
		close(fd);
		goto out_unlink;
	}
	f = fdopen(fd, "w");
	if (!f) {
		ret = -errno;
		close(fd);
		goto out_unlink;
	}
	ret = xl_stats_fmt_prometheus(f, s);
	if (!ret && fflush(f))
		ret = -errno;
	if (!ret && fsync(fileno(f)))
		ret = -errno;
	if (fclose(f) && !ret)
		ret = -errno;
	if (ret)
		goto out_unlink;
	if (rename(tmp, path)) {
		ret = -errno;
		goto out_unlink;
	}
	free(tmp);
	return 0;
out_unlink:
	unlink(tmp);
out_free:
	free(tmp);
	errno = -ret;
	return ret;
}

/* ---- table ---------------------------------------------------------------------------------- */

static void human_bytes(uint64_t b, char *buf, size_t len)
{
	if (b >= (1ULL << 30))
		snprintf(buf, len, "%.1f GiB", (double)b / (double)(1ULL << 30));
	else if (b >= (1ULL << 20))
		snprintf(buf, len, "%.1f MiB", (double)b / (double)(1ULL << 20));
	else if (b >= (1ULL << 10))
		snprintf(buf, len, "%.1f KiB", (double)b / 1024.0);
	else
		snprintf(buf, len, "%" PRIu64 " B", b);
}

static int colw(const struct qfield *q)
{
	return strlen(q->name) > 10 ? (int)strlen(q->name) : 10;
}

int xl_stats_fmt_table(FILE *f, const struct xl_stats_snapshot *s)
{
	char ifname[sizeof(s->ifname) + 1], tmp[32], b1[32], b2[32];
	const struct xl_queue_stats *q;
	unsigned int i, j, nq = n_queues(s), ns = n_steer(s);
	const char *rest;
	enum steer_group g;

	ifname_of(s, ifname, sizeof(ifname));
	fprintf(f, "xlane on %s (ifindex %" PRIu32 ", pid %" PRId32 "): XDP %s via %s%s\n", ifname,
		s->ifindex, s->pid, xl_attach_mode_name(s->attach_mode),
		s->attach_method == XL_METHOD_LINK	   ? "bpf_link"
		: s->attach_method == XL_METHOD_DISPATCHER ? "libxdp dispatcher"
							   : "nothing",
		s->attach_fallback ? " (FALLBACK: native attach failed)" : "");

	fprintf(f, "\n%-6s %-9s %4s", "queue", "bind", "cpu");
	for (j = 0; j < ARRAY_LEN(q_counters); j++)
		if (q_counters[j].in_table)
			fprintf(f, " %*s", colw(&q_counters[j]), q_counters[j].name);
	fprintf(f, "\n");
	for (i = 0; i < nq; i++) {
		q = &s->q[i];
		fprintf(f, "%-6" PRIu32 " %-9s %4" PRId32, q->queue,
			xl_bind_mode_name(q->bind_mode), q->cpu);
		for (j = 0; j < ARRAY_LEN(q_counters); j++)
			if (q_counters[j].in_table)
				fprintf(f, " %*" PRIu64, colw(&q_counters[j]),
					qget(q, &q_counters[j]));
		fprintf(f, "\n");
	}

	fprintf(f, "\n%-6s", "queue");
	for (j = 0; j < ARRAY_LEN(q_xdp); j++)
		fprintf(f, " %s", q_xdp[j].name);
	fprintf(f, "   (XDP_STATISTICS)\n");
	for (i = 0; i < nq; i++) {
		fprintf(f, "%-6" PRIu32, s->q[i].queue);
		for (j = 0; j < ARRAY_LEN(q_xdp); j++)
			fprintf(f, " %*" PRIu64, (int)strlen(q_xdp[j].name),
				qget(&s->q[i], &q_xdp[j]));
		fprintf(f, "\n");
	}

	fprintf(f, "\nframes: total %" PRIu64 " =", s->frames_total);
	for (j = 0; j < ARRAY_LEN(s_frames); j++)
		fprintf(f, "%s %s %" PRIu64, j ? " +" : "", s_frames[j].name,
			sget(s, &s_frames[j]));
	fprintf(f, " (sum %" PRIu64 "%s)\n", s->frames_sum,
		!s->frames_settled ? ", read under load: frames in motion, not checked"
		: s->frames_sum == s->frames_total ? ", conserved"
						   : ", MISMATCH");

	human_bytes(s->umem_bytes, b1, sizeof(b1));
	human_bytes(s->hint_bytes, b2, sizeof(b2));
	fprintf(f,
		"pool: %" PRIu64 " frames x %" PRIu32 " B = %s on %s, UMEM node %" PRId32
		", NIC node %" PRId32 "\n",
		s->frames_total, s->frame_size, b1,
		s->umem_huge ? "2 MiB hugepages" : "4 KiB pages", s->umem_node, s->nic_node);
	fprintf(f, "pool: high water %" PRIu64 " frames; hint: %" PRIu64 " frames (%s) ",
		s->pool_high_water, s->hint_frames, b2);
	if (s->hint_frames > s->frames_total)
		fprintf(f, "needed: the UMEM is too small for the observed peak\n");
	else if (s->frames_total && s->hint_frames * 2 <= s->frames_total)
		fprintf(f, "would do: the UMEM is at least twice what the observed peak needs\n");
	else
		fprintf(f, "fits what was allocated\n");

	fprintf(f, "\nsteering:");
	for (i = 0; i < ns; i++) {
		if (steer_split(i, &rest, tmp, sizeof(tmp)) == SG_OTHER)
			fprintf(f, " %s %" PRIu64, rest, s->steer[i]);
	}
	fprintf(f, "\n  steered:");
	for (i = 0; i < ns; i++) {
		g = steer_split(i, &rest, tmp, sizeof(tmp));
		if (g == SG_STEERED)
			fprintf(f, " %s %" PRIu64, rest, s->steer[i]);
	}
	fprintf(f, "\n  passed: ");
	for (i = 0; i < ns; i++) {
		g = steer_split(i, &rest, tmp, sizeof(tmp));
		if (g == SG_PASSED)
			fprintf(f, " %s %" PRIu64, rest, s->steer[i]);
	}
	if (s->ntuple_queue >= 0)
		fprintf(f, "\nntuple: %u filter%s pin the exact and port rules to queue %d",
			s->ntuple_filters, s->ntuple_filters == 1 ? "" : "s", s->ntuple_queue);
	else
		fprintf(f, "\nntuple: none (no --ntuple-queue)");
	fprintf(f, "\nhot set: %" PRIu64 " flows, %" PRIu64 " demotions\n", s->hot_flows,
		s->hot_demotions);
	return finish(f);
}
