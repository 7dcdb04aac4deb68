/* SPDX-License-Identifier: BSD-2-Clause */
/**
 * @file log.h
 * @brief Messages of the xlane program (program code only: the libraries return -errno and
 * never print). Every message goes to stderr as "xlane: ...". xl_log_errno() is the one place
 * where an errno becomes words, so the same failure always reads the same way.
 */
#ifndef XLANE_CLI_LOG_H
#define XLANE_CLI_LOG_H

/** Verbosity: errors always, info by default, debug with -v (also routes libbpf output). */
enum xl_log_level {
	XL_LOG_ERR,
	XL_LOG_WARN,
	XL_LOG_INFO,
	XL_LOG_DEBUG,
	XL_LOG_LEVEL_MAX,
};

/** @brief **xl_log_set_level()** sets the verbosity (default XL_LOG_INFO). */
void xl_log_set_level(enum xl_log_level level);

/** @brief **xl_log_get_level()** returns the verbosity. */
enum xl_log_level xl_log_get_level(void);

/** @brief **xl_log()** prints "xlane: <message>\n" to stderr when @p level is enabled. */
void xl_log(enum xl_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define xl_err(...)  xl_log(XL_LOG_ERR, __VA_ARGS__)
#define xl_warn(...) xl_log(XL_LOG_WARN, __VA_ARGS__)
#define xl_info(...) xl_log(XL_LOG_INFO, __VA_ARGS__)
#define xl_dbg(...)  xl_log(XL_LOG_DEBUG, __VA_ARGS__)

/**
 * @brief **xl_errno_text()** is the operator-facing explanation of a (positive or negative)
 * errno returned by the xlane libraries, e.g. ENODEV "no such interface",
 * EPERM "not permitted (run as root, or with CAP_NET_ADMIN, CAP_BPF and CAP_IPC_LOCK)".
 */
const char *xl_errno_text(int err);

/**
 * @brief **xl_log_errno()** prints "xlane: <context>: <xl_errno_text(err)>".
 * @param err positive or negative errno
 */
void xl_log_errno(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/** @brief **xl_log_hook_libbpf()** routes libbpf's messages through xl_log (debug level). */
void xl_log_hook_libbpf(void);

#endif /* XLANE_CLI_LOG_H */
