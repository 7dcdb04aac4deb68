/* SPDX-License-Identifier: BSD-2-Clause */
/**
 * @file options.h
 * @brief Declarative command and option tables for the xlane program.
 *
 * Every subcommand is one @c struct xl_command: its words ("rule", "add"), its positional
 * arguments and its options, each mapped by @c offsetof onto the command's own config struct.
 * The parser, the generated --help text and the default values all come from the same table,
 * and test_options.c checks that every option of every table is documented in xlane.8 with the
 * same default, so the help, the code and the man page cannot drift apart.
 *
 * Defaults are stored as text (@c def) and applied by running them through the same parser as
 * a value given on the command line: the default shown is by construction the default used.
 *
 * Nothing here prints except xl_cmd_help(), which writes to the FILE it is given. Parse errors
 * are returned as -EINVAL with a message naming the offending token in @c struct xl_opts_err.
 * Not thread-safe (the CLI is single-threaded while parsing).
 */
#ifndef XLANE_CLI_OPTIONS_H
#define XLANE_CLI_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/** Most entries an option of kind XL_OPT_LIST holds (queues or CPUs). */
#define XL_CLI_LIST_MAX 256

/** A list such as "0-3,6". @c n == 0 with @c all set means "all" (the keyword). */
struct xl_cli_list {
	unsigned int n;			 /**< number of entries in @c v */
	bool all;			 /**< the keyword "all" was given */
	unsigned int v[XL_CLI_LIST_MAX]; /**< entries, ascending, no duplicates */
};

/** The values of a repeatable string option (e.g. --rule), in command-line order. */
struct xl_cli_strv {
	unsigned int n; /**< number of strings */
	const char **v; /**< heap array of pointers into argv (free with xl_cmd_cfg_free()) */
};

/** What an option holds. */
enum xl_opt_kind {
	XL_OPT_FLAG, /**< bool, takes no value; default "off" */
	XL_OPT_UINT, /**< unsigned long long in [min, max] (optionally a power of two) */
	XL_OPT_STR,  /**< const char * (points into argv or at the default text) */
	XL_OPT_ENUM, /**< int, one of @c enums by name */
	XL_OPT_LIST, /**< struct xl_cli_list, entries in [min, max] */
	XL_OPT_STRV, /**< struct xl_cli_strv, repeatable */
	XL_OPT_KIND_MAX,
};

/** Option flags. */
enum {
	XL_OPT_F_POW2 = 1u << 0, /**< XL_OPT_UINT: value must be a power of two */
	XL_OPT_F_SI = 1u << 1,	 /**< XL_OPT_UINT: accept k/m/g suffixes (x1000) */
	XL_OPT_F_AUTO = 1u << 2, /**< XL_OPT_UINT: accept the word "auto", stored as 0 */
};

/** An XL_OPT_UINT option without a default holds this until it is given. */
#define XL_OPT_UNSET (~0ULL)

/** One name of an XL_OPT_ENUM option. */
struct xl_opt_enum {
	const char *name; /**< as typed */
	int value;	  /**< stored into the config */
	const char *help; /**< one line for --help and the man page */
};

/** One option of a command. */
struct xl_option {
	const char *name;	     /**< long name without the dashes, e.g. "queues" */
	char short_name;	     /**< 0 for none */
	enum xl_opt_kind kind;	     /**< what it holds */
	size_t offset;		     /**< offsetof() into the command's config struct */
	const char *metavar;	     /**< value placeholder in help, e.g. "LIST" */
	const char *def;	     /**< default as text (parsed like user input); NULL: none */
	const char *help;	     /**< one line */
	unsigned long long min, max; /**< XL_OPT_UINT / XL_OPT_LIST bounds (max 0: no bound) */
	unsigned int flags;	     /**< XL_OPT_F_* */
	const struct xl_opt_enum *enums; /**< XL_OPT_ENUM names, terminated by { NULL } */
};

/** How a positional argument is stored. */
enum xl_pos_kind {
	XL_POS_STR,  /**< one word into a const char * */
	XL_POS_REST, /**< every remaining word into a struct xl_cli_strv (at least one) */
};

/** One positional argument of a command. */
struct xl_positional {
	const char *name;      /**< e.g. "IFACE" */
	enum xl_pos_kind kind; /**< one word, or the rest */
	size_t offset;	       /**< offsetof() into the config struct */
	const char *help;      /**< one line */
};

/** One subcommand: "run", or a word pair such as "rule add". */
struct xl_command {
	const char *group;		  /**< first word for pairs ("rule"), else NULL */
	const char *name;		  /**< "run", or the second word ("add") */
	const char *summary;		  /**< one line */
	const struct xl_positional *args; /**< terminated by { NULL } (may be NULL) */
	const struct xl_option *opts;	  /**< terminated by { NULL } (may be NULL) */
	size_t cfg_size;		  /**< sizeof the config struct */
	int (*run)(const void *cfg);	  /**< 0 or -errno; prints its own output */
};

/** A parse error: the message names the token; @c index is its position in argv (or -1). */
struct xl_opts_err {
	int index;     /**< argv index of the offending word, -1 when none (missing argument) */
	char msg[256]; /**< "unknown option '--foo'", "--queues: bad list '1-x' at 'x'", ... */
};

/** xl_cmd_parse() return value when --help / -h was given (nothing else is parsed). */
#define XL_OPTS_HELP 1

/**
 * @brief **xl_cmd_parse()** applies the defaults of @p cmd to @p cfg, then parses @p argv.
 * @param cmd the command table entry
 * @param argc number of words after the command words
 * @param argv the words (not modified; string values point into it)
 * @param cfg the command's config struct, @c cmd->cfg_size bytes (zeroed here first)
 * @param err filled with a message naming the bad token on -EINVAL (may be NULL)
 * @return 0 on success, XL_OPTS_HELP if help was asked for, -EINVAL on a usage error,
 * -ENOMEM when a repeatable option cannot grow. On any return, free with xl_cmd_cfg_free().
 */
int xl_cmd_parse(const struct xl_command *cmd, int argc, char *const argv[], void *cfg,
		 struct xl_opts_err *err);

/** @brief **xl_cmd_cfg_free()** frees what xl_cmd_parse() allocated in @p cfg (NULL is fine). */
void xl_cmd_cfg_free(const struct xl_command *cmd, void *cfg);

/** @brief **xl_cmd_help()** writes the generated usage and option help of @p cmd to @p f. */
void xl_cmd_help(FILE *f, const char *prog, const struct xl_command *cmd);

/** @brief **xl_cmd_fullname()** writes "rule add" or "run" into @p buf; returns @p buf. */
const char *xl_cmd_fullname(const struct xl_command *cmd, char *buf, size_t len);

/**
 * @brief **xl_opt_default_text()** is the default as help and the man page show it:
 * @c def, or "off" for flags without one, or "none".
 */
const char *xl_opt_default_text(const struct xl_option *opt);

/**
 * @brief **xl_cli_list_parse()** parses "all" or "0-3,6,8" into @p out.
 * @param s the text
 * @param max largest entry allowed
 * @param out the list (sorted, duplicates rejected)
 * @param bad set to the offending part of @p s on error (may be NULL)
 * @return 0, -EINVAL on a syntax error or duplicate, -ERANGE when an entry exceeds @p max,
 * -E2BIG when more than XL_CLI_LIST_MAX entries.
 */
int xl_cli_list_parse(const char *s, unsigned long long max, struct xl_cli_list *out,
		      const char **bad);

/**
 * @brief **xl_cli_uint_parse()** parses a decimal or 0x-hex unsigned value with an optional
 * k/m/g (x1000) suffix when @p allow_suffix.
 * @return 0 or -EINVAL (syntax) or -ERANGE (overflow).
 */
int xl_cli_uint_parse(const char *s, bool allow_suffix, unsigned long long *out);

#endif /* XLANE_CLI_OPTIONS_H */
